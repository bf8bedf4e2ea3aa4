package io.github.saasframework.cache;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

import io.github.saasframework.cache.testsupport.RedisServerExtension;
import io.github.saasframework.cache.testsupport.RedisTemplates;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.core.RedisTemplate;

/**
 * Small helpers shared by the core tests that run on the shared test server's database 0.
 */
final class CacheTestSupport {

	private CacheTestSupport() {
	}

	static String uniquePrefix(String base) {
		return base + "-" + UUID.randomUUID().toString().substring(0, 8);
	}

	static RedisCache cache(String prefix) {
		return RedisCache.create(RedisServerExtension.connectionFactory(),
				CacheConfig.builder()
					.keyPrefix(prefix)
					.lockWait(Duration.ofSeconds(5))
					.lockRetryInterval(Duration.ofMillis(5))
					.build());
	}

	static RedisTemplate<String, byte[]> rawTemplate() {
		return RedisTemplates.bytes(RedisServerExtension.connectionFactory());
	}

	static long pttl(RedisTemplate<String, byte[]> template, String redisKey) {
		Long pttl = template
			.execute((RedisConnection c) -> c.keyCommands().pTtl(redisKey.getBytes(StandardCharsets.UTF_8)), true);
		return pttl;
	}

	/** Removes the keys under a test's prefix from database 0 of the shared server. */
	static void clean(RedisCache cache) {
		if (!cache.prefix().isEmpty()) {
			cache.flushPrefix();
		}
	}

}
