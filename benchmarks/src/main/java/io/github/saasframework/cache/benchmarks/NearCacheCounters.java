package io.github.saasframework.cache.benchmarks;

import java.util.concurrent.atomic.LongAdder;

import io.github.saasframework.cache.CacheMetricsRecorder;

/**
 * Counts what a near cache reports (reads answered from memory or from Redis,
 * invalidations) while counting is on, so that a benchmark can tell whether the near
 * cache is active before it measures, and then switch counting off to keep the measured
 * path at one volatile read. The coherence harness also hangs a listener on
 * invalidations.
 */
final class NearCacheCounters implements CacheMetricsRecorder {

	private final LongAdder hits = new LongAdder();

	private final LongAdder misses = new LongAdder();

	private final LongAdder invalidations = new LongAdder();

	private volatile boolean counting = true;

	private volatile Runnable invalidationListener = () -> {
	};

	@Override
	public void recordNearCacheGets(String prefix, int hits, int misses) {
		if (this.counting) {
			this.hits.add(hits);
			this.misses.add(misses);
		}
	}

	@Override
	public void recordNearCacheInvalidations(String prefix, long count) {
		if (this.counting) {
			this.invalidations.add(count);
		}
		this.invalidationListener.run();
	}

	/** Stops counting (the invalidation listener still runs). */
	void stopCounting() {
		this.counting = false;
	}

	/** Runs {@code listener} on the thread that reports each invalidation. */
	void onInvalidation(Runnable listener) {
		this.invalidationListener = listener;
	}

	long hits() {
		return this.hits.sum();
	}

	long misses() {
		return this.misses.sum();
	}

	long invalidations() {
		return this.invalidations.sum();
	}

}
