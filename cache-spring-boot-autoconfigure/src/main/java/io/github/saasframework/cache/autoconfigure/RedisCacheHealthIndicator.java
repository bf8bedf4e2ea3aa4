package io.github.saasframework.cache.autoconfigure;

import java.time.Duration;

import io.github.saasframework.cache.Cache;
import io.github.saasframework.cache.internal.core.CacheCore;
import io.github.saasframework.cache.internal.core.CacheInternals;
import io.github.saasframework.cache.internal.redis.Outages;
import io.github.saasframework.cache.internal.redis.RedisDoor;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Reports the cache UP when Redis answers a {@code PING} through the cache's connection
 * factory, and DOWN with the error otherwise. A refusal by Redis ({@code WRONGPASS},
 * {@code NOAUTH}, {@code NOPERM}) is a configuration error: DOWN with its {@code reason}
 * and what to fix, also when {@code PING} works but one of the cache's own commands was
 * refused within the last minute (an ACL user without a command a feature needs).
 * Thread-safe.
 */
final class RedisCacheHealthIndicator extends AbstractHealthIndicator {

	/** How long a refused command of the cache keeps the health DOWN. */
	static final Duration REFUSAL_WINDOW = Duration.ofMinutes(1);

	private final RedisConnectionFactory connectionFactory;

	private final String keyPrefix;

	private final ObjectProvider<Cache> cache;

	RedisCacheHealthIndicator(RedisConnectionFactory connectionFactory, String keyPrefix, ObjectProvider<Cache> cache) {
		super("Redis cache health check failed");
		this.connectionFactory = connectionFactory;
		this.keyPrefix = keyPrefix;
		this.cache = cache;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		String reply;
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			reply = connection.ping();
		}
		catch (RuntimeException ex) {
			if (Outages.isConfigurationError(ex)) {
				builder.down()
					.withDetail("reason", Outages.reason(ex))
					.withDetail("error", Outages.explain(ex))
					.withDetail("keyPrefix", this.keyPrefix);
				return;
			}
			RedisDoor.Refusal refusal = recentRefusal();
			if (refusal == null || refusal.reason().equals("NOPERM")) {
				throw ex;
			}
			// a connection closed while its refused AUTH was reported: the refusal the
			// cache met is the reason
			builder.down()
				.withDetail("reason", refusal.reason())
				.withDetail("error", refusal.explanation())
				.withDetail("keyPrefix", this.keyPrefix);
			return;
		}
		RedisDoor.Refusal refusal = recentRefusal();
		if (refusal != null) {
			builder.down()
				.withDetail("reason", refusal.reason())
				.withDetail("error", refusal.explanation())
				.withDetail("ping", String.valueOf(reply))
				.withDetail("keyPrefix", this.keyPrefix);
			return;
		}
		builder.up().withDetail("ping", String.valueOf(reply)).withDetail("keyPrefix", this.keyPrefix);
	}

	private RedisDoor.@Nullable Refusal recentRefusal() {
		Cache current = this.cache.getIfUnique();
		CacheCore core = (current != null) ? CacheInternals.core(current) : null;
		RedisDoor.Refusal refusal = (core != null) ? core.door().lastRefusal() : null;
		if (refusal == null || System.nanoTime() - refusal.atNanos() > REFUSAL_WINDOW.toNanos()) {
			return null;
		}
		return refusal;
	}

}
