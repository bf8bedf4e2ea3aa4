package io.github.saasframework.cache.autoconfigure;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Reports the cache UP when Redis answers a {@code PING} through the cache's connection
 * factory, and DOWN with the error otherwise. Thread-safe.
 */
final class RedisCacheHealthIndicator extends AbstractHealthIndicator {

	private final RedisConnectionFactory connectionFactory;

	private final String keyPrefix;

	RedisCacheHealthIndicator(RedisConnectionFactory connectionFactory, String keyPrefix) {
		super("Redis cache health check failed");
		this.connectionFactory = connectionFactory;
		this.keyPrefix = keyPrefix;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			String reply = connection.ping();
			builder.up().withDetail("ping", String.valueOf(reply)).withDetail("keyPrefix", this.keyPrefix);
		}
	}

}
