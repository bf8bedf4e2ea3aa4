package io.github.saasframework.cache.autoconfigure;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties of the Redis cache, bound to {@code app.cache.*}. Users may
 * inject this bean to read the effective settings. Not thread-safe while being bound;
 * read-only afterwards by convention.
 *
 * @since 0.1.0
 */
@ConfigurationProperties("app.cache")
public class RedisCacheProperties {

	/**
	 * Whether to auto-configure the Redis cache, its annotations, metrics and health
	 * indicator.
	 */
	private boolean enabled = true;

	/**
	 * Time to live of values written without one.
	 */
	private Duration defaultTtl = Duration.ofHours(1);

	/**
	 * Namespace of every key, without a trailing colon; empty for none.
	 */
	private String keyPrefix = "";

	/**
	 * How values are written to Redis: plain JSON on the application's Jackson mapper, or
	 * raw strings and bytes only.
	 */
	private SerializerType serializer = SerializerType.JSON;

	private final Lock lock = new Lock();

	/**
	 * Whether the auto-configuration is enabled.
	 * @return {@code true} unless {@code app.cache.enabled=false}
	 */
	public boolean isEnabled() {
		return this.enabled;
	}

	/**
	 * Sets whether the auto-configuration is enabled.
	 * @param enabled whether to enable it
	 */
	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	/**
	 * Time to live of values written without one.
	 * @return the default TTL
	 */
	public Duration getDefaultTtl() {
		return this.defaultTtl;
	}

	/**
	 * Sets the time to live of values written without one.
	 * @param defaultTtl a positive duration
	 */
	public void setDefaultTtl(Duration defaultTtl) {
		this.defaultTtl = defaultTtl;
	}

	/**
	 * Namespace of every key.
	 * @return the prefix, {@code ""} for none
	 */
	public String getKeyPrefix() {
		return this.keyPrefix;
	}

	/**
	 * Sets the namespace of every key.
	 * @param keyPrefix the prefix without a trailing {@code :}, {@code ""} for none
	 */
	public void setKeyPrefix(String keyPrefix) {
		this.keyPrefix = keyPrefix;
	}

	/**
	 * How values are written to Redis.
	 * @return the serializer type
	 */
	public SerializerType getSerializer() {
		return this.serializer;
	}

	/**
	 * Sets how values are written to Redis.
	 * @param serializer the serializer type
	 */
	public void setSerializer(SerializerType serializer) {
		this.serializer = serializer;
	}

	/**
	 * Settings of distributed locks.
	 * @return the lock settings
	 */
	public Lock getLock() {
		return this.lock;
	}

	/**
	 * Settings of distributed locks, bound to {@code app.cache.lock.*}.
	 *
	 * @since 0.1.0
	 */
	public static class Lock {

		/**
		 * Lease given to a lock when the caller names none.
		 */
		private Duration defaultTtl = Duration.ofSeconds(30);

		/**
		 * How long a caller waits for a lock when it names no wait time.
		 */
		private Duration defaultWait = Duration.ofSeconds(10);

		/**
		 * Pause between two attempts to acquire a lock.
		 */
		private Duration retryInterval = Duration.ofMillis(50);

		/**
		 * Lease given to a lock when the caller names none.
		 * @return the default lease
		 */
		public Duration getDefaultTtl() {
			return this.defaultTtl;
		}

		/**
		 * Sets the lease given to a lock when the caller names none.
		 * @param defaultTtl a positive duration
		 */
		public void setDefaultTtl(Duration defaultTtl) {
			this.defaultTtl = defaultTtl;
		}

		/**
		 * How long a caller waits for a lock when it names no wait time.
		 * @return the default wait
		 */
		public Duration getDefaultWait() {
			return this.defaultWait;
		}

		/**
		 * Sets how long a caller waits for a lock when it names no wait time.
		 * @param defaultWait zero (one attempt) or positive
		 */
		public void setDefaultWait(Duration defaultWait) {
			this.defaultWait = defaultWait;
		}

		/**
		 * Pause between two attempts to acquire a lock.
		 * @return the retry interval
		 */
		public Duration getRetryInterval() {
			return this.retryInterval;
		}

		/**
		 * Sets the pause between two attempts to acquire a lock.
		 * @param retryInterval a positive duration
		 */
		public void setRetryInterval(Duration retryInterval) {
			this.retryInterval = retryInterval;
		}

	}

	/**
	 * The serializers that {@code app.cache.serializer} selects.
	 *
	 * @since 0.1.0
	 */
	public enum SerializerType {

		/**
		 * Plain JSON on the application's Jackson {@code JsonMapper}; {@code String} and
		 * {@code byte[]} raw.
		 */
		JSON,

		/**
		 * {@code String} and {@code byte[]} values only, stored raw.
		 */
		STRING

	}

}
