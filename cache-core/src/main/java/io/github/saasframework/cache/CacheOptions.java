package io.github.saasframework.cache;

import java.time.Duration;

/**
 * Runtime behaviour of a {@link RedisCache} beyond its {@link CacheConfig}: where metrics
 * go, what observes operations (tracing), and how {@code remember} protects the system
 * behind the cache (cluster-wide single-flight, fail-open, null caching) and spreads
 * expiries (TTL jitter). Immutable; build one with {@link #builder()}.
 * <p>
 * Defaults: no metrics, no observer; distributed single-flight on with a 10 s load lease
 * and a 5 s wait; fail-open off (the Spring Boot starter turns it on, see
 * {@code app.cache.remember.fail-open}); null caching off with a 30 s null TTL; no TTL
 * jitter; no near cache.
 *
 * @since 0.1.0
 */
public final class CacheOptions {

	private static final CacheOptions DEFAULTS = builder().build();

	private final CacheMetricsRecorder metricsRecorder;

	private final CacheObserver observer;

	private final boolean distributedSingleFlight;

	private final Duration loadLease;

	private final Duration loadWait;

	private final boolean failOpen;

	private final boolean cacheNulls;

	private final Duration nullTtl;

	private final double ttlJitter;

	private final int prefixMetricsLimit;

	private final int maxValueBytes;

	private final int batchChunkSize;

	private final boolean nearCache;

	private final int nearCacheMaxEntries;

	private final Duration nearCacheMaxAge;

	private CacheOptions(Builder builder) {
		this.metricsRecorder = builder.metricsRecorder;
		this.observer = builder.observer;
		this.distributedSingleFlight = builder.distributedSingleFlight;
		this.loadLease = builder.loadLease;
		this.loadWait = builder.loadWait;
		this.failOpen = builder.failOpen;
		this.cacheNulls = builder.cacheNulls;
		this.nullTtl = builder.nullTtl;
		this.ttlJitter = builder.ttlJitter;
		this.prefixMetricsLimit = builder.prefixMetricsLimit;
		this.maxValueBytes = builder.maxValueBytes;
		this.batchChunkSize = builder.batchChunkSize;
		this.nearCache = builder.nearCache;
		this.nearCacheMaxEntries = builder.nearCacheMaxEntries;
		this.nearCacheMaxAge = builder.nearCacheMaxAge;
	}

	/**
	 * The options used when none are given.
	 * @return the default options
	 */
	public static CacheOptions defaults() {
		return DEFAULTS;
	}

	/**
	 * Starts a builder with every option at its default.
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Where the cache reports what it does.
	 * @return the recorder, {@link CacheMetricsRecorder#NONE} by default
	 */
	public CacheMetricsRecorder metricsRecorder() {
		return this.metricsRecorder;
	}

	/**
	 * What observes operations while they run (for tracing).
	 * @return the observer, {@link CacheObserver#NONE} by default
	 */
	public CacheObserver observer() {
		return this.observer;
	}

	/**
	 * Whether a {@code remember} miss takes a per-key load lease in Redis, so that across
	 * all processes only one runs the loader while the others wait for its value.
	 * @return {@code true} by default
	 */
	public boolean distributedSingleFlight() {
		return this.distributedSingleFlight;
	}

	/**
	 * How long a load lease lasts: if the loading process dies or its loader runs longer,
	 * the lease expires and another process takes over.
	 * @return 10 seconds by default
	 */
	public Duration loadLease() {
		return this.loadLease;
	}

	/**
	 * How long a {@code remember} caller waits for another process's load before it runs
	 * the loader itself.
	 * @return 5 seconds by default
	 */
	public Duration loadWait() {
		return this.loadWait;
	}

	/**
	 * Whether {@code remember} runs the loader and returns its value (instead of
	 * throwing) when Redis is unreachable or times out.
	 * @return {@code false} by default
	 */
	public boolean failOpen() {
		return this.failOpen;
	}

	/**
	 * Whether {@code remember} stores a marker for a {@code null} result, so a missing
	 * row is not loaded again on every call.
	 * @return {@code false} by default
	 */
	public boolean cacheNulls() {
		return this.cacheNulls;
	}

	/**
	 * How long a null marker lives.
	 * @return 30 seconds by default
	 */
	public Duration nullTtl() {
		return this.nullTtl;
	}

	/**
	 * Fraction by which the TTL of {@code set}, {@code setAll} and {@code remember}
	 * entries is randomly shortened, so that entries written together do not expire
	 * together.
	 * @return 0 (no jitter) by default
	 */
	public double ttlJitter() {
		return this.ttlJitter;
	}

	/**
	 * How many namespaces made by {@link Cache#withPrefix(String)} record metrics under
	 * their own prefix; the others, and all of them when this is 0, record under the
	 * prefix of the cache they were made from. A bound, so that one namespace per tenant
	 * cannot create meters without end.
	 * @return 0 by default
	 */
	public int prefixMetricsLimit() {
		return this.prefixMetricsLimit;
	}

	/**
	 * The largest serialized value a write accepts; a larger one is refused with an
	 * {@link IllegalArgumentException} before anything is sent.
	 * @return the limit in bytes, 0 (no limit) by default
	 */
	public int maxValueBytes() {
		return this.maxValueBytes;
	}

	/**
	 * How many entries of a {@code setAll} go to Redis in one pipeline: the call waits
	 * for each chunk before it sends the next, so a failure (a timeout, say) leaves at
	 * most the chunks sent so far written, and the caller never waits longer than about
	 * one command timeout past the failure.
	 * @return 1000 by default
	 */
	public int batchChunkSize() {
		return this.batchChunkSize;
	}

	/**
	 * Whether values read from Redis are kept in process memory (a near cache) and
	 * answered from there until Redis reports a change: {@code get}, {@code getAll},
	 * {@code remember} and {@code lookup} hits of a key read before then cost no Redis
	 * command. Coherence comes from Redis itself (RESP3 {@code CLIENT TRACKING} in
	 * broadcasting mode for the cache's key prefix, one connection per master): a change
	 * of a key by any client, an expiry, an eviction or a flush removes it from memory,
	 * and the whole near cache is emptied when that connection is lost. Needs Redis 6 or
	 * later and Lettuce.
	 * @return {@code false} by default
	 */
	public boolean nearCache() {
		return this.nearCache;
	}

	/**
	 * How many entries the near cache holds at most; beyond that, entries used least
	 * recently (and least often) leave first.
	 * @return 10 000 by default
	 */
	public int nearCacheMaxEntries() {
		return this.nearCacheMaxEntries;
	}

	/**
	 * How long an entry is answered from memory at most, whatever its Redis TTL (which it
	 * never outlives either).
	 * @return 10 minutes by default
	 */
	public Duration nearCacheMaxAge() {
		return this.nearCacheMaxAge;
	}

	/**
	 * Builds {@link CacheOptions}. Not thread-safe.
	 *
	 * @since 0.1.0
	 */
	public static final class Builder {

		private CacheMetricsRecorder metricsRecorder = CacheMetricsRecorder.NONE;

		private CacheObserver observer = CacheObserver.NONE;

		private boolean distributedSingleFlight = true;

		private Duration loadLease = Duration.ofSeconds(10);

		private Duration loadWait = Duration.ofSeconds(5);

		private boolean failOpen;

		private boolean cacheNulls;

		private Duration nullTtl = Duration.ofSeconds(30);

		private double ttlJitter;

		private int prefixMetricsLimit;

		private int maxValueBytes;

		private int batchChunkSize = 1000;

		private boolean nearCache;

		private int nearCacheMaxEntries = 10_000;

		private Duration nearCacheMaxAge = Duration.ofMinutes(10);

		private Builder() {
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
		 * Sets whether {@code remember} answers from the loader when Redis fails.
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
		 * Sets the TTL jitter.
		 * @param ttlJitter a fraction from 0 (none) to 1 exclusive; 0.1 shortens each TTL
		 * by up to 10 %
		 * @return this builder
		 */
		public Builder ttlJitter(double ttlJitter) {
			Arguments.require(ttlJitter >= 0 && ttlJitter < 1, "ttlJitter must be at least 0 and below 1: %s",
					ttlJitter);
			this.ttlJitter = ttlJitter;
			return this;
		}

		/**
		 * Sets how many {@code withPrefix} namespaces record metrics under their own
		 * prefix.
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
		 * Sets how many entries of a {@code setAll} are sent in one pipeline.
		 * @param batchChunkSize positive
		 * @return this builder
		 */
		public Builder batchChunkSize(int batchChunkSize) {
			Arguments.require(batchChunkSize > 0, "batchChunkSize must be positive: %s", batchChunkSize);
			this.batchChunkSize = batchChunkSize;
			return this;
		}

		/**
		 * Sets whether values read from Redis are kept in process memory, coherent
		 * through Redis's client tracking.
		 * @param nearCache {@code true} to keep a near cache
		 * @return this builder
		 * @see CacheOptions#nearCache()
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
		 * Builds the options.
		 * @return the options
		 */
		public CacheOptions build() {
			return new CacheOptions(this);
		}

	}

}
