package io.github.saasframework.cache;

import java.time.Duration;

import io.github.saasframework.cache.internal.Arguments;
import io.github.saasframework.cache.internal.TtlPolicy;
import io.github.saasframework.cache.serializer.CacheSerializer;
import io.github.saasframework.cache.serializer.JsonCacheSerializer;
import org.jspecify.annotations.Nullable;

/**
 * Everything a {@link RedisCache} is configured with, in one place: every default is here
 * (and the Spring Boot starter only maps {@code app.cache.*} onto this builder), and
 * every rule is checked once, when the configuration is built, with a message that names
 * the setting and quotes the value. Immutable; build one with {@link #builder()}.
 * <p>
 * Defaults: {@code defaultTtl} 1 hour, {@code keyPrefix} {@code ""} (no namespace),
 * {@code serializer} a {@link JsonCacheSerializer}, {@code lockWait} 10 seconds,
 * {@code lockRetryInterval} 50 milliseconds, {@code lockTtl} 30 seconds;
 * {@code remember}: distributed single-flight with a 10 s load lease and a 5 s wait,
 * fail-open on outages, no null caching (null TTL 30 s); no TTL jitter, no value size
 * limit, {@code setAll} in chunks of 1000, no per-namespace metrics; no near cache (10
 * 000 entries, 10 minutes when on); calls wait for Redis as long as the connection
 * factory's command timeout; no metrics recorder and no observer.
 *
 * @param defaultTtl time to live of values written without one (and with
 * {@link Duration#ZERO}); positive, or {@link Cache#NO_EXPIRY}
 * @param keyPrefix namespace of every key, without {@code :} at either end and without
 * whitespace; {@code ""} for none
 * @param serializer how values are written and read
 * @param lockWait how long {@link Cache#withLock} waits for a lock; zero or positive
 * @param lockRetryInterval pause between two attempts to acquire a lock; positive
 * @param lockTtl the lease of a lock when the caller names none ({@code @WithLock}
 * without {@code ttl}); positive
 * @param remember how {@code remember} protects the system behind the cache
 * @param nearCache the near cache
 * @param ttlJitter fraction by which entry TTLs are randomly shortened, from 0 (none) up
 * to 1 exclusive
 * @param maxValueBytes the largest serialized value a write accepts; 0 for no limit
 * @param batchChunkSize how many entries of a {@code setAll} go in one pipeline; positive
 * @param prefixMetricsLimit how many {@code withPrefix} namespaces record metrics under
 * their own prefix; 0 or more
 * @param commandTimeout how long a call waits for Redis at most, when shorter than the
 * connection factory's command timeout; {@link Duration#ZERO} for the factory's
 * @param metricsRecorder where the cache reports what it does
 * @param observer what observes operations while they run (tracing)
 * @since 0.1.0
 */
public record CacheConfig(Duration defaultTtl, String keyPrefix, CacheSerializer serializer, Duration lockWait,
		Duration lockRetryInterval, Duration lockTtl, Remember remember, NearCache nearCache, double ttlJitter,
		int maxValueBytes, int batchChunkSize, int prefixMetricsLimit, Duration commandTimeout,
		CacheMetricsRecorder metricsRecorder, CacheObserver observer) {

	private static final Duration DEFAULT_TTL = Duration.ofHours(1);

	private static final Duration DEFAULT_LOCK_WAIT = Duration.ofSeconds(10);

	private static final Duration DEFAULT_LOCK_RETRY_INTERVAL = Duration.ofMillis(50);

	private static final Duration DEFAULT_LOCK_TTL = Duration.ofSeconds(30);

	private static final int DEFAULT_BATCH_CHUNK_SIZE = 1000;

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
		Arguments.requireLease(lockTtl, "lockTtl");
		Arguments.requireNonNull(remember, "remember");
		Arguments.requireNonNull(nearCache, "nearCache");
		checkTtlJitter(ttlJitter);
		Arguments.require(maxValueBytes >= 0, "maxValueBytes must not be negative: %s", maxValueBytes);
		Arguments.require(batchChunkSize > 0, "batchChunkSize must be positive: %s", batchChunkSize);
		Arguments.require(prefixMetricsLimit >= 0, "prefixMetricsLimit must not be negative: %s", prefixMetricsLimit);
		Arguments.requireTtl(commandTimeout, "commandTimeout");
		Arguments.requireNonNull(metricsRecorder, "metricsRecorder");
		Arguments.requireNonNull(observer, "observer");
	}

	/**
	 * The five settings of the first release; everything else at its default.
	 * @param defaultTtl time to live of values written without one
	 * @param keyPrefix namespace of every key
	 * @param serializer how values are written and read
	 * @param lockWait how long {@link Cache#withLock} waits for a lock
	 * @param lockRetryInterval pause between two attempts to acquire a lock
	 * @throws IllegalArgumentException if a setting is null or out of range
	 */
	public CacheConfig(Duration defaultTtl, String keyPrefix, CacheSerializer serializer, Duration lockWait,
			Duration lockRetryInterval) {
		this(defaultTtl, keyPrefix, serializer, lockWait, lockRetryInterval, DEFAULT_LOCK_TTL, Remember.DEFAULTS,
				NearCache.DEFAULTS, 0, 0, DEFAULT_BATCH_CHUNK_SIZE, 0, Duration.ZERO, CacheMetricsRecorder.NONE,
				CacheObserver.NONE);
	}

	/**
	 * Starts a builder with every setting at its default.
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * The configuration with every setting at its default (the JSON serializer on a
	 * default mapper).
	 * @return the defaults
	 */
	public static CacheConfig defaults() {
		return Defaults.CONFIG;
	}

	/**
	 * A builder that starts from this configuration.
	 * @return a new builder with these settings
	 */
	public Builder toBuilder() {
		return new Builder(this);
	}

	/**
	 * Checks a key prefix the way this configuration does: not blank, no {@code :} at
	 * either end, no whitespace or control characters. Exposed so that the same rule
	 * applies where a prefix is given elsewhere.
	 * @param keyPrefix the prefix, {@code ""} for none
	 * @return the prefix
	 * @throws IllegalArgumentException if the prefix breaks a rule
	 */
	public static String checkKeyPrefix(@Nullable String keyPrefix) {
		Arguments.requireNonNull(keyPrefix, "keyPrefix");
		if (!keyPrefix.isEmpty()) {
			Arguments.require(!keyPrefix.isBlank(), "keyPrefix must not be blank: '%s'", keyPrefix);
			Arguments.require(!keyPrefix.startsWith(":") && !keyPrefix.endsWith(":"),
					"keyPrefix must not start or end with ':': '%s'", keyPrefix);
			Arguments.requireNoSpaceOrControl(keyPrefix, "keyPrefix");
		}
		return keyPrefix;
	}

	private static Duration checkDefaultTtl(@Nullable Duration defaultTtl) {
		Arguments.requirePositive(defaultTtl, "defaultTtl");
		Arguments.require(defaultTtl.equals(Cache.NO_EXPIRY) || TtlPolicy.toMillis(defaultTtl) != TtlPolicy.PERSISTENT,
				"defaultTtl is longer than Redis can keep; use Cache.NO_EXPIRY for none: %s", defaultTtl);
		return defaultTtl;
	}

	private static double checkTtlJitter(double ttlJitter) {
		Arguments.require(ttlJitter >= 0 && ttlJitter < 1, "ttlJitter must be at least 0 and below 1: %s", ttlJitter);
		return ttlJitter;
	}

	/**
	 * How {@code remember} protects the system behind the cache on a miss.
	 *
	 * @param distributedSingleFlight whether a miss takes a per-key load lease in Redis,
	 * so that across all processes only one runs the loader while the others wait for its
	 * value
	 * @param loadLease how long a load lease lasts: if the loading process dies or its
	 * loader runs longer, the lease expires and another process takes over; positive
	 * @param loadWait how long a caller waits for another process's load before it runs
	 * the loader itself; zero or positive
	 * @param failOpen whether {@code remember} (and the Spring cache's reads) answer from
	 * the loader without caching when Redis is unreachable or times out; never for an
	 * error reply such as {@code WRONGTYPE}
	 * @param cacheNulls whether a {@code null} result is stored as a marker, so that it
	 * is not loaded again on every call
	 * @param nullTtl how long a null marker lives; positive
	 * @since 0.2.0
	 */
	public record Remember(boolean distributedSingleFlight, Duration loadLease, Duration loadWait, boolean failOpen,
			boolean cacheNulls, Duration nullTtl) {

		static final Remember DEFAULTS = new Remember(true, Duration.ofSeconds(10), Duration.ofSeconds(5), true, false,
				Duration.ofSeconds(30));

		/**
		 * Validates the settings.
		 * @throws IllegalArgumentException if a setting is null or out of range
		 */
		public Remember {
			Arguments.requirePositive(loadLease, "loadLease");
			Arguments.requireTtl(loadWait, "loadWait");
			Arguments.requirePositive(nullTtl, "nullTtl");
		}

	}

	/**
	 * The near cache: values read from Redis kept in process memory and answered from
	 * there until Redis reports a change (RESP3 {@code CLIENT TRACKING} in broadcasting
	 * mode for the cache's key prefix, one connection per master). Needs Redis 6 or later
	 * and Lettuce.
	 *
	 * @param enabled whether values are kept in memory
	 * @param maxEntries how many entries it holds at most (those used least recently and
	 * least often leave first); positive
	 * @param maxAge how long an entry is answered from memory at most, whatever its Redis
	 * TTL (which it never outlives either); positive
	 * @since 0.2.0
	 */
	public record NearCache(boolean enabled, int maxEntries, Duration maxAge) {

		static final NearCache DEFAULTS = new NearCache(false, 10_000, Duration.ofMinutes(10));

		/**
		 * Validates the settings.
		 * @throws IllegalArgumentException if a setting is null or out of range
		 */
		public NearCache {
			Arguments.require(maxEntries > 0, "nearCacheMaxEntries must be positive: %s", maxEntries);
			Arguments.requirePositive(maxAge, "nearCacheMaxAge");
		}

	}

	/** Built on first use: the default serializer builds a Jackson mapper. */
	private static final class Defaults {

		static final CacheConfig CONFIG = new Builder().build();

	}

	/**
	 * Builds a {@link CacheConfig}; every setting starts at its default and each setter
	 * checks its value at once. Not thread-safe.
	 *
	 * @since 0.1.0
	 */
	public static final class Builder {

		private Duration defaultTtl = DEFAULT_TTL;

		private String keyPrefix = "";

		private @Nullable CacheSerializer serializer;

		private Duration lockWait = DEFAULT_LOCK_WAIT;

		private Duration lockRetryInterval = DEFAULT_LOCK_RETRY_INTERVAL;

		private Duration lockTtl = DEFAULT_LOCK_TTL;

		private boolean distributedSingleFlight = Remember.DEFAULTS.distributedSingleFlight();

		private Duration loadLease = Remember.DEFAULTS.loadLease();

		private Duration loadWait = Remember.DEFAULTS.loadWait();

		private boolean failOpen = Remember.DEFAULTS.failOpen();

		private boolean cacheNulls = Remember.DEFAULTS.cacheNulls();

		private Duration nullTtl = Remember.DEFAULTS.nullTtl();

		private boolean nearCache = NearCache.DEFAULTS.enabled();

		private int nearCacheMaxEntries = NearCache.DEFAULTS.maxEntries();

		private Duration nearCacheMaxAge = NearCache.DEFAULTS.maxAge();

		private double ttlJitter;

		private int maxValueBytes;

		private int batchChunkSize = DEFAULT_BATCH_CHUNK_SIZE;

		private int prefixMetricsLimit;

		private Duration commandTimeout = Duration.ZERO;

		private CacheMetricsRecorder metricsRecorder = CacheMetricsRecorder.NONE;

		private CacheObserver observer = CacheObserver.NONE;

		private Builder() {
		}

		private Builder(CacheConfig config) {
			this.defaultTtl = config.defaultTtl;
			this.keyPrefix = config.keyPrefix;
			this.serializer = config.serializer;
			this.lockWait = config.lockWait;
			this.lockRetryInterval = config.lockRetryInterval;
			this.lockTtl = config.lockTtl;
			this.distributedSingleFlight = config.remember.distributedSingleFlight();
			this.loadLease = config.remember.loadLease();
			this.loadWait = config.remember.loadWait();
			this.failOpen = config.remember.failOpen();
			this.cacheNulls = config.remember.cacheNulls();
			this.nullTtl = config.remember.nullTtl();
			this.nearCache = config.nearCache.enabled();
			this.nearCacheMaxEntries = config.nearCache.maxEntries();
			this.nearCacheMaxAge = config.nearCache.maxAge();
			this.ttlJitter = config.ttlJitter;
			this.maxValueBytes = config.maxValueBytes;
			this.batchChunkSize = config.batchChunkSize;
			this.prefixMetricsLimit = config.prefixMetricsLimit;
			this.commandTimeout = config.commandTimeout;
			this.metricsRecorder = config.metricsRecorder;
			this.observer = config.observer;
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
		 * @param keyPrefix the prefix without {@code :} at either end, or {@code ""}
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
		 * Sets the lease of a lock whose caller names none.
		 * @param lockTtl positive
		 * @return this builder
		 */
		public Builder lockTtl(Duration lockTtl) {
			this.lockTtl = Arguments.requireLease(lockTtl, "lockTtl");
			return this;
		}

		/**
		 * Sets whether {@code remember} misses coordinate across processes.
		 * @param distributedSingleFlight {@code true} to take a load lease per key
		 * @return this builder
		 */
		public Builder distributedSingleFlight(boolean distributedSingleFlight) {
			this.distributedSingleFlight = distributedSingleFlight;
			return this;
		}

		/**
		 * Sets how long a load lease lasts.
		 * @param loadLease positive
		 * @return this builder
		 */
		public Builder loadLease(Duration loadLease) {
			this.loadLease = Arguments.requirePositive(loadLease, "loadLease");
			return this;
		}

		/**
		 * Sets how long a caller waits for another process's load.
		 * @param loadWait zero or positive
		 * @return this builder
		 */
		public Builder loadWait(Duration loadWait) {
			this.loadWait = Arguments.requireTtl(loadWait, "loadWait");
			return this;
		}

		/**
		 * Sets whether {@code remember} answers from the loader when Redis is unreachable
		 * or times out.
		 * @param failOpen {@code true} to fail open
		 * @return this builder
		 */
		public Builder failOpen(boolean failOpen) {
			this.failOpen = failOpen;
			return this;
		}

		/**
		 * Sets whether {@code null} results of {@code remember} are cached.
		 * @param cacheNulls {@code true} to store a null marker
		 * @return this builder
		 */
		public Builder cacheNulls(boolean cacheNulls) {
			this.cacheNulls = cacheNulls;
			return this;
		}

		/**
		 * Sets how long a null marker lives.
		 * @param nullTtl positive
		 * @return this builder
		 */
		public Builder nullTtl(Duration nullTtl) {
			this.nullTtl = Arguments.requirePositive(nullTtl, "nullTtl");
			return this;
		}

		/**
		 * Sets whether values read from Redis are kept in process memory.
		 * @param nearCache {@code true} to keep a near cache
		 * @return this builder
		 * @see NearCache
		 */
		public Builder nearCache(boolean nearCache) {
			this.nearCache = nearCache;
			return this;
		}

		/**
		 * Sets how many entries the near cache holds at most.
		 * @param nearCacheMaxEntries positive
		 * @return this builder
		 */
		public Builder nearCacheMaxEntries(int nearCacheMaxEntries) {
			Arguments.require(nearCacheMaxEntries > 0, "nearCacheMaxEntries must be positive: %s", nearCacheMaxEntries);
			this.nearCacheMaxEntries = nearCacheMaxEntries;
			return this;
		}

		/**
		 * Sets how long an entry is answered from memory at most.
		 * @param nearCacheMaxAge positive
		 * @return this builder
		 */
		public Builder nearCacheMaxAge(Duration nearCacheMaxAge) {
			this.nearCacheMaxAge = Arguments.requirePositive(nearCacheMaxAge, "nearCacheMaxAge");
			return this;
		}

		/**
		 * Sets the TTL jitter.
		 * @param ttlJitter a fraction from 0 (none) to 1 exclusive; 0.1 shortens each TTL
		 * by up to 10 %
		 * @return this builder
		 */
		public Builder ttlJitter(double ttlJitter) {
			this.ttlJitter = checkTtlJitter(ttlJitter);
			return this;
		}

		/**
		 * Sets the largest serialized value a write accepts.
		 * @param maxValueBytes bytes, or 0 for no limit
		 * @return this builder
		 */
		public Builder maxValueBytes(int maxValueBytes) {
			Arguments.require(maxValueBytes >= 0, "maxValueBytes must not be negative: %s", maxValueBytes);
			this.maxValueBytes = maxValueBytes;
			return this;
		}

		/**
		 * Sets how many entries of a {@code setAll} are sent in one pipeline: the call
		 * waits for each chunk before it sends the next.
		 * @param batchChunkSize positive
		 * @return this builder
		 */
		public Builder batchChunkSize(int batchChunkSize) {
			Arguments.require(batchChunkSize > 0, "batchChunkSize must be positive: %s", batchChunkSize);
			this.batchChunkSize = batchChunkSize;
			return this;
		}

		/**
		 * Sets how many {@code withPrefix} namespaces record metrics under their own
		 * prefix (a bound, so that one namespace per tenant cannot create meters without
		 * end).
		 * @param prefixMetricsLimit 0 (all under the parent's prefix) or more
		 * @return this builder
		 */
		public Builder prefixMetricsLimit(int prefixMetricsLimit) {
			Arguments.require(prefixMetricsLimit >= 0, "prefixMetricsLimit must not be negative: %s",
					prefixMetricsLimit);
			this.prefixMetricsLimit = prefixMetricsLimit;
			return this;
		}

		/**
		 * Sets how long a call waits for Redis at most, when that is shorter than the
		 * connection factory's command timeout (Lettuce's own default is 60 s, so that a
		 * stalled or unreachable Redis would hold every call for a minute): the call then
		 * fails with Spring's {@code QueryTimeoutException}, as it does at the factory's
		 * timeout, and {@code remember} fails open.
		 * @param commandTimeout a positive duration, or {@link Duration#ZERO} for the
		 * factory's command timeout
		 * @return this builder
		 * @since 0.3.0
		 */
		public Builder commandTimeout(Duration commandTimeout) {
			this.commandTimeout = Arguments.requireTtl(commandTimeout, "commandTimeout");
			return this;
		}

		/**
		 * Sets where the cache reports what it does.
		 * @param metricsRecorder the recorder
		 * @return this builder
		 */
		public Builder metricsRecorder(CacheMetricsRecorder metricsRecorder) {
			this.metricsRecorder = Arguments.requireNonNull(metricsRecorder, "metricsRecorder");
			return this;
		}

		/**
		 * Sets what observes operations while they run, for example to record trace
		 * spans.
		 * @param observer the observer
		 * @return this builder
		 */
		public Builder observer(CacheObserver observer) {
			this.observer = Arguments.requireNonNull(observer, "observer");
			return this;
		}

		/**
		 * Builds the configuration.
		 * @return the validated configuration
		 * @throws IllegalArgumentException if a setting is null or out of range
		 */
		public CacheConfig build() {
			CacheSerializer chosen = (this.serializer != null) ? this.serializer : new JsonCacheSerializer();
			return new CacheConfig(this.defaultTtl, this.keyPrefix, chosen, this.lockWait, this.lockRetryInterval,
					this.lockTtl,
					new Remember(this.distributedSingleFlight, this.loadLease, this.loadWait, this.failOpen,
							this.cacheNulls, this.nullTtl),
					new NearCache(this.nearCache, this.nearCacheMaxEntries, this.nearCacheMaxAge), this.ttlJitter,
					this.maxValueBytes, this.batchChunkSize, this.prefixMetricsLimit, this.commandTimeout,
					this.metricsRecorder, this.observer);
		}

	}

}
