package io.github.saasframework.cache.autoconfigure;

import java.nio.charset.StandardCharsets;

import io.github.saasframework.cache.CacheConfig;
import io.github.saasframework.cache.RedisCache;
import io.github.saasframework.cache.testsupport.RedisServerExtension;

import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.data.redis.connection.RedisConnection;

/**
 * Connects the tests' application contexts to the shared test {@code redis-server} and
 * cleans a test's prefix.
 */
public final class TestRedis {

	private TestRedis() {
	}

	public static DataRedisConnectionDetails connectionDetails() {
		return connectionDetails(RedisServerExtension.server().port());
	}

	public static DataRedisConnectionDetails connectionDetails(int port) {
		return new DataRedisConnectionDetails() {

			@Override
			public Standalone getStandalone() {
				return Standalone.of("127.0.0.1", port);
			}

		};
	}

	/** The bytes stored under a full Redis key, {@code null} when there is none. */
	public static byte[] raw(String redisKey) {
		try (RedisConnection connection = RedisServerExtension.connectionFactory().getConnection()) {
			return connection.stringCommands().get(redisKey.getBytes(StandardCharsets.UTF_8));
		}
	}

	/** Removes every key under the prefix, and only those. */
	public static void flush(String prefix) {
		RedisCache.create(RedisServerExtension.connectionFactory(), CacheConfig.builder().keyPrefix(prefix).build())
			.flushPrefix();
	}

}
