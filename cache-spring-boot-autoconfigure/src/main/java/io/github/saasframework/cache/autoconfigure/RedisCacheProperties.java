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
 * <p>
 * An {@code app.cache.*} property that this class does not bind (a misspelt key) fails
 * the startup ({@code ignoreUnknownFields = false}), reported with the closest known name
 * by {@link UnknownCachePropertyFailureAnalyzer}, rather than silently leaving the
 * setting at its default.
 *
 * @since 0.1.0
 */
@ConfigurationProperties(prefix = "app.cache", ignoreUnknownFields = false)
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
	 * is sent. 0 for no limit.
	 */
	private DataSize maxValueSize = DataSize.ofBytes(CORE.maxValueBytes());

	/**
	 * How long a call of the cache waits for Redis at most; past the connection's command
	 * timeout (spring.data.redis.timeout) it has no effect. Unset: the connection's
	 * command timeout, or 1s when that is Lettuce's default of 60 s (neither
	 * spring.data.redis.timeout nor the application's own connection factory sets one),
	 * so that a stalled or unreachable Redis does not hold every cached call for a
	 * minute.
	 */
	private @Nullable Duration commandTimeout;

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

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Duration getDefaultTtl() {
		return this.defaultTtl;
	}

	public void setDefaultTtl(Duration defaultTtl) {
		this.defaultTtl = defaultTtl;
	}

	public String getKeyPrefix() {
		return this.keyPrefix;
	}

	public void setKeyPrefix(String keyPrefix) {
		this.keyPrefix = keyPrefix;
	}

	public SerializerType getSerializer() {
		return this.serializer;
	}

	public void setSerializer(SerializerType serializer) {
		this.serializer = serializer;
	}

	public double getTtlJitter() {
		return this.ttlJitter;
	}

	public void setTtlJitter(double ttlJitter) {
		this.ttlJitter = ttlJitter;
	}

	public Lock getLock() {
		return this.lock;
	}

	public Remember getRemember() {
		return this.remember;
	}

	public DataSize getMaxValueSize() {
		return this.maxValueSize;
	}

	public void setMaxValueSize(DataSize maxValueSize) {
		this.maxValueSize = maxValueSize;
	}

	public @Nullable Duration getCommandTimeout() {
		return this.commandTimeout;
	}

	public void setCommandTimeout(@Nullable Duration commandTimeout) {
		this.commandTimeout = commandTimeout;
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

	public Observations getObservations() {
		return this.observations;
	}

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

		public boolean isEnabled() {
			return this.enabled;
		}

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

		public boolean isGoDurations() {
			return this.goDurations;
		}

		public void setGoDurations(boolean goDurations) {
			this.goDurations = goDurations;
		}

	}

	public SpringCache getSpringCache() {
		return this.springCache;
	}

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

		public boolean isEnabled() {
			return this.enabled;
		}

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

		public @Nullable Duration getRefreshAfter() {
			return this.refreshAfter;
		}

		public void setRefreshAfter(@Nullable Duration refreshAfter) {
			this.refreshAfter = refreshAfter;
		}

		public @Nullable Duration getTtl() {
			return this.ttl;
		}

		public void setTtl(@Nullable Duration ttl) {
			this.ttl = ttl;
		}

		public @Nullable Boolean getCacheNulls() {
			return this.cacheNulls;
		}

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

		public boolean isDistributed() {
			return this.distributed;
		}

		public void setDistributed(boolean distributed) {
			this.distributed = distributed;
		}

		public Duration getLease() {
			return this.lease;
		}

		public void setLease(Duration lease) {
			this.lease = lease;
		}

		public Duration getWait() {
			return this.wait;
		}

		public void setWait(Duration wait) {
			this.wait = wait;
		}

		public boolean isFailOpen() {
			return this.failOpen;
		}

		public void setFailOpen(boolean failOpen) {
			this.failOpen = failOpen;
		}

		public boolean isCacheNulls() {
			return this.cacheNulls;
		}

		public void setCacheNulls(boolean cacheNulls) {
			this.cacheNulls = cacheNulls;
		}

		public Duration getNullTtl() {
			return this.nullTtl;
		}

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

		public Duration getDefaultTtl() {
			return this.defaultTtl;
		}

		public void setDefaultTtl(Duration defaultTtl) {
			this.defaultTtl = defaultTtl;
		}

		public Duration getDefaultWait() {
			return this.defaultWait;
		}

		public void setDefaultWait(Duration defaultWait) {
			this.defaultWait = defaultWait;
		}

		public Duration getRetryInterval() {
			return this.retryInterval;
		}

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
