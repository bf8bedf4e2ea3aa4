package io.github.saasframework.cache.sample;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.saasframework.cache.Cache;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The Go package's "basic cache" example: set, get and delete a JSON object, TTL visible;
 * and its multi-operations (MGet, MSet, MDelete) as {@code getAll}, {@code setAll} and
 * {@code deleteAll}.
 */
@RestController
@RequestMapping("/api/users")
class UserController {

	private static final int MAX_BATCH = 100;

	private final Cache cache;

	UserController(Cache cache) {
		this.cache = cache;
	}

	@PutMapping("/{id}")
	Map<String, Object> put(@PathVariable long id, @RequestBody UserBody body,
			@RequestParam(defaultValue = "0") long ttlSeconds) {
		User user = new User(id, body.name(), body.email());
		// 0 = the default TTL (app.cache.default-ttl); a negative TTL is refused with a
		// 400
		this.cache.set("user:" + id, user, Duration.ofSeconds(ttlSeconds));
		return view(user, "user:" + id);
	}

	@GetMapping("/{id}")
	ResponseEntity<Map<String, Object>> get(@PathVariable long id) {
		return this.cache.get("user:" + id, User.class)
			.map((user) -> ResponseEntity.ok(view(user, "user:" + id)))
			.orElseGet(() -> ResponseEntity.notFound().build());
	}

	@DeleteMapping("/{id}")
	Map<String, Object> delete(@PathVariable long id) {
		return Map.of("deleted", this.cache.delete("user:" + id));
	}

	/**
	 * MSet: every user in one pipelined round trip; one invalid user and none is stored.
	 */
	@PutMapping
	Map<String, Object> putAll(@RequestBody List<User> users, @RequestParam(defaultValue = "0") long ttlSeconds) {
		requireBatchSize(users.size());
		Map<String, User> items = new LinkedHashMap<>();
		users.forEach((user) -> items.put("user:" + user.id(), user));
		this.cache.setAll(items, Duration.ofSeconds(ttlSeconds));
		return Map.of("stored", items.size());
	}

	/** MGet: one MGET; typed users back, missing ids listed. */
	@GetMapping
	Map<String, Object> getAll(@RequestParam List<Long> ids) {
		requireBatchSize(ids.size());
		Map<String, User> found = this.cache.getAll(ids.stream().map((id) -> "user:" + id).toList(), User.class);
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("users", found.values());
		body.put("missing", ids.stream().filter((id) -> !found.containsKey("user:" + id)).toList());
		return body;
	}

	/** MDelete: one UNLINK. */
	@DeleteMapping
	Map<String, Object> deleteAll(@RequestParam List<Long> ids) {
		requireBatchSize(ids.size());
		return Map.of("deleted", this.cache.deleteAll(ids.stream().map((id) -> "user:" + id).toList()));
	}

	private static void requireBatchSize(int size) {
		if (size < 1 || size > MAX_BATCH) {
			throw new IllegalArgumentException("a batch holds 1 to " + MAX_BATCH + " users, not " + size);
		}
	}

	private Map<String, Object> view(User user, String key) {
		Map<String, Object> view = new LinkedHashMap<>();
		view.put("user", user);
		view.put("key", this.cache.prefix() + ":" + key);
		view.put("ttlSeconds", this.cache.getTtl(key).map(Duration::toSeconds).orElse(-2L));
		return view;
	}

	record UserBody(String name, String email) {
	}

}
