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
 * jitter.
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
		 * Builds the options.
		 * @return the options
		 */
		public CacheOptions build() {
			return new CacheOptions(this);
		}

	}

}
