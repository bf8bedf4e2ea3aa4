package io.github.saasframework.cache.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import io.github.saasframework.cache.CacheConfig;
import io.github.saasframework.cache.serializer.StringCacheSerializer;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Configuration properties of the Redis cache, bound to {@code app.cache.*}. Users may
 * inject this bean to read the effective settings. Not thread-safe while being bound;
 * read-only afterwards by convention.
 *
 * @since 0.1.0
 */
@ConfigurationProperties("app.cache")
public class RedisCacheProperties {

	/** The core's defaults: the one source of every default below. */
	private static final CacheConfig CORE = CacheConfig.builder().serializer(new StringCacheSerializer()).build();

	/**
	 * Whether to auto-configure the Redis cache, its annotations, metrics and health
	 * indicator.
	 */
	private boolean enabled = true;

	/**
	 * Time to live of values written without one.
	 */
	private Duration defaultTtl = CORE.defaultTtl();

	/**
	 * Namespace of every key, without a trailing colon; empty for none.
	 */
	private String keyPrefix = CORE.keyPrefix();

	/**
	 * How values are written to Redis: plain JSON on the application's Jackson mapper, or
	 * raw strings and bytes only.
	 */
	private SerializerType serializer = SerializerType.JSON;

	/**
	 * Fraction by which entry TTLs (set, setAll, remember and @Remember) are randomly
	 * shortened, so that entries written together do not expire together; 0 for none,
	 * below 1. Locks and counters are never jittered.
	 */
	private double ttlJitter = CORE.ttlJitter();

	/**
	 * Largest serialized value a write accepts; a larger one is refused before anything
	 * is sent. Empty or 0 for no limit.
	 */
	private DataSize maxValueSize = DataSize.ofBytes(CORE.maxValueBytes());

	private final Lock lock = new Lock();

	private final Remember remember = new Remember();

	private final Metrics metrics = new Metrics();

	private final Reconnect reconnect = new Reconnect();

	private final Near near = new Near();

	private final Observations observations = new Observations();

	private final Json json = new Json();

	private final SpringCache springCache = new SpringCache();

	/**
	 * Settings of the caches of Spring's cache abstraction (@Cacheable), by cache name.
	 */
	private final Map<String, NamedCache> caches = new LinkedHashMap<>();

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
	 * Fraction by which entry TTLs are randomly shortened.
	 * @return the jitter, 0 for none
	 */
	public double getTtlJitter() {
		return this.ttlJitter;
	}

	/**
	 * Sets the fraction by which entry TTLs are randomly shortened.
	 * @param ttlJitter from 0 (none) to below 1
	 */
	public void setTtlJitter(double ttlJitter) {
		this.ttlJitter = ttlJitter;
	}

	/**
	 * Settings of distributed locks.
	 * @return the lock settings
	 */
	public Lock getLock() {
		return this.lock;
	}

	/**
	 * Settings of remember and @Remember.
	 * @return the remember settings
	 */
	public Remember getRemember() {
		return this.remember;
	}

	public DataSize getMaxValueSize() {
		return this.maxValueSize;
	}

	public void setMaxValueSize(DataSize maxValueSize) {
		this.maxValueSize = maxValueSize;
	}

	public Metrics getMetrics() {
		return this.metrics;
	}

	public Reconnect getReconnect() {
		return this.reconnect;
	}

	public Near getNear() {
		return this.near;
	}

	/**
	 * The near cache: values read from Redis kept in process memory, coherent through
	 * Redis's client tracking.
	 */
	public static class Near {

		/**
		 * Whether to keep values read from Redis in process memory: get, getAll,
		 * remember, @Remember and @Cacheable hits of a key read before are then answered
		 * without a Redis command, until Redis reports a change of the key (a write by
		 * any client, an expiry, an eviction, a flush; RESP3 client tracking). Needs
		 * Redis 6 or later and the right to run CLIENT TRACKING.
		 */
		private boolean enabled = CORE.nearCache().enabled();

		/**
		 * How many entries the near cache holds at most; least recently (and least often)
		 * used entries leave first.
		 */
		private int maxEntries = CORE.nearCache().maxEntries();

		/**
		 * How long an entry is answered from memory at most, whatever its Redis TTL
		 * (which it never outlives either).
		 */
		private Duration maxAge = CORE.nearCache().maxAge();

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public int getMaxEntries() {
			return this.maxEntries;
		}

		public void setMaxEntries(int maxEntries) {
			this.maxEntries = maxEntries;
		}

		public Duration getMaxAge() {
			return this.maxAge;
		}

		public void setMaxAge(Duration maxAge) {
			this.maxAge = maxAge;
		}

	}

	/**
	 * Metrics settings.
	 */
	public static class Metrics {

		/**
		 * How many namespaces made with Cache.withPrefix get meters tagged with their own
		 * prefix; the others are counted under the cache's key prefix. A bound, so that a
		 * namespace per tenant cannot create meters without end.
		 */
		private int prefixLimit = CORE.prefixMetricsLimit();

		public int getPrefixLimit() {
			return this.prefixLimit;
		}

		public void setPrefixLimit(int prefixLimit) {
			this.prefixLimit = prefixLimit;
		}

	}

	/**
	 * How the Redis client reconnects after an outage.
	 */
	public static class Reconnect {

		/**
		 * Longest pause between two reconnect attempts of the Lettuce client (its
		 * exponential back-off is capped here), so calls work again within about this
		 * long after Redis is back. 0 to keep Lettuce's own back-off (up to 30 s).
		 */
		private Duration maxDelay = io.github.saasframework.cache.internal.redis.Reconnect.DEFAULT_MAX_DELAY;

		public Duration getMaxDelay() {
			return this.maxDelay;
		}

		public void setMaxDelay(Duration maxDelay) {
			this.maxDelay = maxDelay;
		}

	}

	/**
	 * Settings of the Micrometer observations.
	 * @return the observation settings
	 */
	public Observations getObservations() {
		return this.observations;
	}

	/**
	 * Settings of the JSON serializer.
	 * @return the JSON settings
	 */
	public Json getJson() {
		return this.json;
	}

	/**
	 * Micrometer observations (trace spans and timers) of get, remember and lock waits,
	 * bound to {@code app.cache.observations.*}.
	 *
	 * @since 0.1.0
	 */
	public static class Observations {

		/**
		 * Whether to record an observation of each get, remember and lock wait when the
		 * application has an ObservationRegistry.
		 */
		private boolean enabled = true;

		/**
		 * Whether observations are recorded.
		 * @return {@code true} unless switched off
		 */
		public boolean isEnabled() {
			return this.enabled;
		}

		/**
		 * Sets whether observations are recorded.
		 * @param enabled whether to record them
		 */
		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

	}

	/**
	 * Settings of the JSON serializer, bound to {@code app.cache.json.*}.
	 *
	 * @since 0.1.0
	 */
	public static class Json {

		/**
		 * Whether java.time.Duration values are written and read as integer nanoseconds,
		 * as Go's time.Duration is, instead of ISO-8601 text such as "PT1.5S".
		 */
		private boolean goDurations;

		/**
		 * Whether durations are written as Go writes them.
		 * @return {@code false} unless switched on
		 */
		public boolean isGoDurations() {
			return this.goDurations;
		}

		/**
		 * Sets whether durations are written as Go writes them.
		 * @param goDurations whether to write integer nanoseconds
		 */
		public void setGoDurations(boolean goDurations) {
			this.goDurations = goDurations;
		}

	}

	/**
	 * Settings of the CacheManager of Spring's cache abstraction.
	 * @return the Spring cache settings
	 * @since 0.2.0
	 */
	public SpringCache getSpringCache() {
		return this.springCache;
	}

	/**
	 * Settings of the caches of Spring's cache abstraction, by cache name.
	 * @return the settings by cache name
	 * @since 0.2.0
	 */
	public Map<String, NamedCache> getCaches() {
		return this.caches;
	}

	/**
	 * The {@code CacheManager} this library provides for Spring's cache abstraction,
	 * bound to {@code app.cache.spring-cache.*}.
	 *
	 * @since 0.2.0
	 */
	public static class SpringCache {

		/**
		 * Whether to provide the CacheManager of Spring's cache abstraction (@Cacheable)
		 * when the application enables caching and defines none.
		 */
		private boolean enabled = true;

		/**
		 * Whether the CacheManager is provided.
		 * @return {@code true} by default
		 */
		public boolean isEnabled() {
			return this.enabled;
		}

		/**
		 * Sets whether the CacheManager is provided.
		 * @param enabled whether to provide it
		 */
		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

	}

	/**
	 * Settings of one cache of Spring's cache abstraction, bound to
	 * {@code app.cache.caches.<name>.*}.
	 *
	 * @since 0.2.0
	 */
	public static class NamedCache {

		/**
		 * Time to live of this cache's entries; app.cache.default-ttl when not set.
		 */
		private @Nullable Duration ttl;

		/**
		 * Whether a null or empty Optional result is stored as a marker (for
		 * app.cache.remember.null-ttl); app.cache.remember.cache-nulls when not set.
		 */
		private @Nullable Boolean cacheNulls;

		/**
		 * Age after which a hit on this cache's entry returns the stored value and
		 * reloads it in the background (refresh-ahead), once across all instances;
		 * shorter than the cache's TTL. Not set: never.
		 */
		private @Nullable Duration refreshAfter;

		/**
		 * Age after which a hit reloads the entry in the background.
		 * @return the age, {@code null} for never
		 */
		public @Nullable Duration getRefreshAfter() {
			return this.refreshAfter;
		}

		/**
		 * Sets the age after which a hit reloads the entry in the background.
		 * @param refreshAfter a positive duration shorter than the TTL
		 */
		public void setRefreshAfter(@Nullable Duration refreshAfter) {
			this.refreshAfter = refreshAfter;
		}

		/**
		 * Time to live of this cache's entries.
		 * @return the TTL, {@code null} for {@code app.cache.default-ttl}
		 */
		public @Nullable Duration getTtl() {
			return this.ttl;
		}

		/**
		 * Sets the time to live of this cache's entries.
		 * @param ttl a positive duration
		 */
		public void setTtl(@Nullable Duration ttl) {
			this.ttl = ttl;
		}

		/**
		 * Whether a {@code null} result is stored as a marker.
		 * @return the setting, {@code null} for {@code app.cache.remember.cache-nulls}
		 */
		public @Nullable Boolean getCacheNulls() {
			return this.cacheNulls;
		}

		/**
		 * Sets whether a {@code null} result is stored as a marker.
		 * @param cacheNulls whether to store it
		 */
		public void setCacheNulls(@Nullable Boolean cacheNulls) {
			this.cacheNulls = cacheNulls;
		}

	}

	/**
	 * How remember and @Remember protect the system behind the cache, bound to
	 * {@code app.cache.remember.*}.
	 *
	 * @since 0.1.0
	 */
	public static class Remember {

		/**
		 * Whether a miss takes a per-key load lease in Redis, so that across all
		 * instances only one runs the loader while the others wait for its value.
		 */
		private boolean distributed = CORE.remember().distributedSingleFlight();

		/**
		 * How long a load lease lasts; when the loading instance dies or its loader runs
		 * longer, another instance takes over.
		 */
		private Duration lease = CORE.remember().loadLease();

		/**
		 * How long a caller waits for another instance's load before it runs the loader
		 * itself.
		 */
		private Duration wait = CORE.remember().loadWait();

		/**
		 * Whether remember runs the loader and returns its value, uncached, when Redis is
		 * unreachable or times out (instead of throwing).
		 */
		private boolean failOpen = CORE.remember().failOpen();

		/**
		 * Whether a null or empty Optional result is stored as a marker for null-ttl, so
		 * a missing row is not loaded again on every call.
		 */
		private boolean cacheNulls = CORE.remember().cacheNulls();

		/**
		 * How long a null marker lives.
		 */
		private Duration nullTtl = CORE.remember().nullTtl();

		/**
		 * Whether misses coordinate across instances through a load lease.
		 * @return {@code true} by default
		 */
		public boolean isDistributed() {
			return this.distributed;
		}

		/**
		 * Sets whether misses coordinate across instances.
		 * @param distributed whether to take a load lease per key
		 */
		public void setDistributed(boolean distributed) {
			this.distributed = distributed;
		}

		/**
		 * How long a load lease lasts.
		 * @return the lease
		 */
		public Duration getLease() {
			return this.lease;
		}

		/**
		 * Sets how long a load lease lasts.
		 * @param lease a positive duration
		 */
		public void setLease(Duration lease) {
			this.lease = lease;
		}

		/**
		 * How long a caller waits for another instance's load.
		 * @return the wait bound
		 */
		public Duration getWait() {
			return this.wait;
		}

		/**
		 * Sets how long a caller waits for another instance's load.
		 * @param wait zero or positive
		 */
		public void setWait(Duration wait) {
			this.wait = wait;
		}

		/**
		 * Whether remember answers from the loader when Redis fails.
		 * @return {@code true} by default
		 */
		public boolean isFailOpen() {
			return this.failOpen;
		}

		/**
		 * Sets whether remember answers from the loader when Redis fails.
		 * @param failOpen whether to fail open
		 */
		public void setFailOpen(boolean failOpen) {
			this.failOpen = failOpen;
		}

		/**
		 * Whether null results are cached as a marker.
		 * @return {@code false} by default
		 */
		public boolean isCacheNulls() {
			return this.cacheNulls;
		}

		/**
		 * Sets whether null results are cached as a marker.
		 * @param cacheNulls whether to cache nulls
		 */
		public void setCacheNulls(boolean cacheNulls) {
			this.cacheNulls = cacheNulls;
		}

		/**
		 * How long a null marker lives.
		 * @return the null TTL
		 */
		public Duration getNullTtl() {
			return this.nullTtl;
		}

		/**
		 * Sets how long a null marker lives.
		 * @param nullTtl a positive duration
		 */
		public void setNullTtl(Duration nullTtl) {
			this.nullTtl = nullTtl;
		}

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
		private Duration defaultTtl = CORE.lockTtl();

		/**
		 * How long a caller waits for a lock when it names no wait time.
		 */
		private Duration defaultWait = CORE.lockWait();

		/**
		 * Pause between two attempts to acquire a lock.
		 */
		private Duration retryInterval = CORE.lockRetryInterval();

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
