package io.github.saasframework.cache.sample;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * A rate-limited endpoint: 429 with {@code Retry-After} once a client is over its limit.
 */
@RestController
class RateLimitController {

	private static final String CLIENT_ID = "[A-Za-z0-9._-]{1,64}";

	private final RateLimiter limiter;

	RateLimitController(RateLimiter limiter) {
		this.limiter = limiter;
	}

	@GetMapping("/api/limited")
	ResponseEntity<?> limited(@RequestHeader(name = "X-Client-Id", defaultValue = "anonymous") String client) {
		if (!client.matches(CLIENT_ID)) {
			throw new IllegalArgumentException("X-Client-Id must be 1 to 64 letters, digits, '.', '_' or '-'");
		}
		RateLimiter.Decision decision = this.limiter.check(client);
		if (!decision.allowed()) {
			ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.TOO_MANY_REQUESTS,
					"Client '" + client + "' made more than " + decision.limit() + " requests in this window");
			problem.setTitle("Too many requests");
			return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
				.header("Retry-After", String.valueOf(decision.resetSeconds()))
				.header("X-RateLimit-Remaining", "0")
				.body(problem);
		}
		return ResponseEntity.ok()
			.header("X-RateLimit-Remaining", String.valueOf(decision.remaining()))
			.body(new Allowed(client, decision.remaining()));
	}

	/** The body of an allowed request; a record keeps the JSON fields in this order. */
	record Allowed(String client, long remaining) {
	}

}
