package io.github.saasframework.cache.sample;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import io.github.saasframework.cache.Cache;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Key listing and pattern deletion (SCAN, never KEYS), and the Go package's session
 * example: sessions live 24 hours and every read touches them back to that TTL.
 */
@RestController
class KeyController {

	private static final int MAX_LISTED = 1000;

	private final Cache cache;

	KeyController(Cache cache) {
		this.cache = cache;
	}

	@GetMapping("/api/keys")
	PatternKeys keys(@RequestParam(defaultValue = "*") String pattern) {
		try (Stream<String> keys = this.cache.scan(checkPattern(pattern), 500)) {
			List<String> listed = keys.limit(MAX_LISTED).sorted().toList();
			return new PatternKeys(pattern, listed);
		}
	}

	@DeleteMapping("/api/keys")
	PatternDeleted deleteByPattern(@RequestParam String pattern) {
		return new PatternDeleted(pattern, this.cache.deleteByPattern(checkPattern(pattern)));
	}

	@PostMapping("/api/sessions")
	CreatedSession createSession(@RequestParam String user) {
		if (!user.matches("[A-Za-z0-9._-]{1,64}")) {
			throw new IllegalArgumentException("user must be 1 to 64 letters, digits, '.', '_' or '-'");
		}
		String id = UUID.randomUUID().toString();
		Session session = new Session(user, Instant.now().toString());
		this.cache.set("session:" + id, session, Duration.ofHours(24));
		return new CreatedSession(id, session);
	}

	@GetMapping("/api/sessions/{id}")
	ResponseEntity<Map<String, Object>> session(@PathVariable UUID id) {
		String key = "session:" + id;
		return this.cache.get(key, Session.class).map((session) -> {
			this.cache.expire(key, Duration.ofHours(24));
			Map<String, Object> body = new LinkedHashMap<>();
			body.put("session", session);
			body.put("ttlSeconds", this.cache.getTtl(key).map(Duration::toSeconds).orElse(-2L));
			return ResponseEntity.ok(body);
		}).orElseGet(() -> ResponseEntity.notFound().build());
	}

	private static String checkPattern(String pattern) {
		if (pattern.isBlank() || pattern.length() > 128) {
			throw new IllegalArgumentException("pattern must be 1 to 128 characters");
		}
		return pattern;
	}

	record Session(String user, String createdAt) {
	}

	// response bodies; records keep the JSON fields in this order

	record PatternKeys(String pattern, List<String> keys) {
	}

	record PatternDeleted(String pattern, long deleted) {
	}

	record CreatedSession(String sessionId, Session session) {
	}

}
