package io.github.saasframework.cache.sample;

import java.time.Duration;

import io.github.saasframework.cache.Cache;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The Go package's rate-limiting example, without its race: a fixed window of
 * {@code requests} per {@code window} per client, counted with
 * {@link Cache#incrementBy(String, long, Duration)}, which increments and sets the
 * window's TTL in one atomic Lua script. (The Go example runs {@code INCR} and then a
 * separate {@code EXPIRE}: a crash in between leaves a counter that never expires.)
 */
@Component
class RateLimiter {

	private final Cache cache;

	private final long requests;

	private final Duration window;

	RateLimiter(Cache cache, @Value("${sample.rate-limit.requests:5}") long requests,
			@Value("${sample.rate-limit.window:1m}") Duration window) {
		this.cache = cache;
		this.requests = requests;
		this.window = window;
	}

	/**
	 * Counts one request of a client.
	 * @param client the client id
	 * @return the decision
	 */
	Decision check(String client) {
		String key = "ratelimit:" + client;
		long count = this.cache.incrementBy(key, 1, this.window);
		long remaining = Math.max(0, this.requests - count);
		Duration resetIn = this.cache.getTtl(key).filter((ttl) -> !ttl.isNegative()).orElse(this.window);
		return new Decision(count <= this.requests, this.requests, remaining, Math.max(1, resetIn.toSeconds()));
	}

	record Decision(boolean allowed, long limit, long remaining, long resetSeconds) {
	}

}
