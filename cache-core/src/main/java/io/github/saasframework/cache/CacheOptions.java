package io.github.saasframework.cache;

/**
 * Runtime collaborators of a {@link RedisCache} beyond its {@link CacheConfig}: where
 * metrics go. Immutable; build one with {@link #builder()}.
 *
 * @since 0.1.0
 */
public final class CacheOptions {

	private static final CacheOptions DEFAULTS = builder().build();

	private final CacheMetricsRecorder metricsRecorder;

	private CacheOptions(Builder builder) {
		this.metricsRecorder = builder.metricsRecorder;
	}

	/**
	 * The options used when none are given: no metrics.
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
	 * Builds {@link CacheOptions}. Not thread-safe.
	 *
	 * @since 0.1.0
	 */
	public static final class Builder {

		private CacheMetricsRecorder metricsRecorder = CacheMetricsRecorder.NONE;

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
		 * Builds the options.
		 * @return the options
		 */
		public CacheOptions build() {
			return new CacheOptions(this);
		}

	}

}
