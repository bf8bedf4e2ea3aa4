package io.github.saasframework.cache;

import java.time.Duration;

import io.github.saasframework.cache.serializer.CacheSerializer;
import io.github.saasframework.cache.serializer.JsonCacheSerializer;
import org.jspecify.annotations.Nullable;

/**
 * Settings of a {@link RedisCache}. Immutable and validated on construction.
 * <p>
 * Defaults, as applied by {@link #builder()}: {@code defaultTtl} 1 hour,
 * {@code keyPrefix} {@code ""} (no namespace), {@code serializer} a
 * {@link JsonCacheSerializer}, {@code lockWait} 10 seconds, {@code lockRetryInterval} 50
 * milliseconds.
 *
 * @param defaultTtl time to live of values written without one (and with
 * {@link Duration#ZERO}); positive, or {@link Cache#NO_EXPIRY}
 * @param keyPrefix namespace of every key, without {@code :} at either end and without
 * whitespace or control characters; {@code ""} for none
 * @param serializer how values are written and read
 * @param lockWait how long {@link Cache#withLock} waits for a lock; zero or positive
 * @param lockRetryInterval pause between two attempts to acquire a lock; positive
 * @since 0.1.0
 */
public record CacheConfig(Duration defaultTtl, String keyPrefix, CacheSerializer serializer, Duration lockWait,
		Duration lockRetryInterval) {

	static final Duration DEFAULT_TTL = Duration.ofHours(1);

	static final Duration DEFAULT_LOCK_WAIT = Duration.ofSeconds(10);

	static final Duration DEFAULT_LOCK_RETRY_INTERVAL = Duration.ofMillis(50);

	/**
	 * Validates the settings.
	 * @throws IllegalArgumentException if a setting is null or out of range; the message
	 * names the setting and quotes the value
	 */
	public CacheConfig {
		checkDefaultTtl(defaultTtl);
		checkKeyPrefix(keyPrefix);
		Arguments.requireNonNull(serializer, "serializer");
		Arguments.requireTtl(lockWait, "lockWait");
		Arguments.requirePositive(lockRetryInterval, "lockRetryInterval");
	}

	private static Duration checkDefaultTtl(Duration defaultTtl) {
		Arguments.requirePositive(defaultTtl, "defaultTtl");
		Arguments.require(defaultTtl.equals(Cache.NO_EXPIRY) || TtlPolicy.toMillis(defaultTtl) != TtlPolicy.PERSISTENT,
				"defaultTtl is longer than Redis can keep; use Cache.NO_EXPIRY for none: %s", defaultTtl);
		return defaultTtl;
	}

	private static String checkKeyPrefix(String keyPrefix) {
		Arguments.requireNonNull(keyPrefix, "keyPrefix");
		if (!keyPrefix.isEmpty()) {
			Arguments.require(!keyPrefix.isBlank(), "keyPrefix must not be blank: '%s'", keyPrefix);
			Arguments.require(!keyPrefix.startsWith(":") && !keyPrefix.endsWith(":"),
					"keyPrefix must not start or end with ':': '%s'", keyPrefix);
			Arguments.requireNoSpaceOrControl(keyPrefix, "keyPrefix");
		}
		return keyPrefix;
	}

	/**
	 * Starts a builder with every setting at its default.
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Builds a {@link CacheConfig}; every setting starts at its default. Not thread-safe.
	 *
	 * @since 0.1.0
	 */
	public static final class Builder {

		private Duration defaultTtl = DEFAULT_TTL;

		private String keyPrefix = "";

		private @Nullable CacheSerializer serializer;

		private Duration lockWait = DEFAULT_LOCK_WAIT;

		private Duration lockRetryInterval = DEFAULT_LOCK_RETRY_INTERVAL;

		private Builder() {
		}

		/**
		 * Sets the TTL of values written without one.
		 * @param defaultTtl positive, or {@link Cache#NO_EXPIRY}
		 * @return this builder
		 */
		public Builder defaultTtl(Duration defaultTtl) {
			this.defaultTtl = checkDefaultTtl(defaultTtl);
			return this;
		}

		/**
		 * Sets the namespace of every key.
		 * @param keyPrefix the prefix without trailing {@code :}, or {@code ""} for none
		 * @return this builder
		 */
		public Builder keyPrefix(String keyPrefix) {
			this.keyPrefix = checkKeyPrefix(keyPrefix);
			return this;
		}

		/**
		 * Sets how values are written and read.
		 * @param serializer the serializer
		 * @return this builder
		 */
		public Builder serializer(CacheSerializer serializer) {
			this.serializer = Arguments.requireNonNull(serializer, "serializer");
			return this;
		}

		/**
		 * Sets how long {@link Cache#withLock} waits for a lock.
		 * @param lockWait zero or positive
		 * @return this builder
		 */
		public Builder lockWait(Duration lockWait) {
			this.lockWait = Arguments.requireTtl(lockWait, "lockWait");
			return this;
		}

		/**
		 * Sets the pause between two attempts to acquire a lock.
		 * @param lockRetryInterval positive
		 * @return this builder
		 */
		public Builder lockRetryInterval(Duration lockRetryInterval) {
			this.lockRetryInterval = Arguments.requirePositive(lockRetryInterval, "lockRetryInterval");
			return this;
		}

		/**
		 * Builds the configuration.
		 * @return the validated configuration
		 * @throws IllegalArgumentException if a setting is null or out of range
		 */
		public CacheConfig build() {
			CacheSerializer chosen = (this.serializer != null) ? this.serializer : new JsonCacheSerializer();
			return new CacheConfig(this.defaultTtl, this.keyPrefix, chosen, this.lockWait, this.lockRetryInterval);
		}

	}

}
