package io.github.saasframework.cache.autoconfigure;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

import io.github.saasframework.cache.CacheMetricsRecorder;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

/**
 * Records what a {@code RedisCache} does as Micrometer meters, named the way Micrometer's
 * own cache binders name theirs ({@code cache.gets{result=hit|miss}}, {@code cache.puts})
 * and tagged {@code cache=<prefix>}, with {@value #NO_PREFIX_TAG} for a cache without
 * prefix. The meters of a prefix are registered on its first recorded call and kept, so
 * the recording path is one map lookup and an increment. Thread-safe.
 */
final class MicrometerCacheMetricsRecorder implements CacheMetricsRecorder {

	/** Value of the {@code cache} tag for a cache without prefix. */
	static final String NO_PREFIX_TAG = "(none)";

	private final MeterRegistry registry;

	private final ConcurrentMap<String, Meters> meters = new ConcurrentHashMap<>();

	MicrometerCacheMetricsRecorder(MeterRegistry registry) {
		this.registry = registry;
	}

	@Override
	public void recordGets(String prefix, int hits, int misses) {
		Meters meters = meters(prefix);
		if (hits > 0) {
			meters.hits.increment(hits);
		}
		if (misses > 0) {
			meters.misses.increment(misses);
		}
	}

	@Override
	public void recordPuts(String prefix, int count) {
		if (count > 0) {
			meters(prefix).puts.increment(count);
		}
	}

	@Override
	public void recordLoad(String prefix, boolean success, long durationNanos) {
		Meters meters = meters(prefix);
		(success ? meters.loadSuccesses : meters.loadFailures).record(durationNanos, TimeUnit.NANOSECONDS);
	}

	@Override
	public void recordLockAcquisition(String prefix, boolean acquired, long waitNanos) {
		Meters meters = meters(prefix);
		(acquired ? meters.locksAcquired : meters.locksNotAcquired).increment();
		(acquired ? meters.lockWaitAcquired : meters.lockWaitNotAcquired).record(waitNanos, TimeUnit.NANOSECONDS);
	}

	@Override
	public void recordRefreshStarted(String prefix) {
		meters(prefix).refreshesStarted.increment();
	}

	@Override
	public void recordRefreshResult(String prefix, boolean success) {
		Meters meters = meters(prefix);
		(success ? meters.refreshesSucceeded : meters.refreshesFailed).increment();
	}

	@Override
	public void recordRefreshSkipped(String prefix) {
		meters(prefix).refreshesSkipped.increment();
	}

	@Override
	public void recordFailOpen(String prefix, Throwable failure) {
		Counter.builder("cache.fail.open")
			.description("Calls that Redis could not serve and that were answered without it")
			.tags(Tags.of("cache", tag(prefix), "exception", failure.getClass().getSimpleName()))
			.register(this.registry)
			.increment();
	}

	private Meters meters(String prefix) {
		Meters found = this.meters.get(prefix);
		return (found != null) ? found : this.meters.computeIfAbsent(prefix, (key) -> new Meters(this.registry, key));
	}

	static String tag(String prefix) {
		return prefix.isEmpty() ? NO_PREFIX_TAG : prefix;
	}

	/** The meters of one prefix. */
	private static final class Meters {

		final Counter hits;

		final Counter misses;

		final Counter puts;

		final Timer loadSuccesses;

		final Timer loadFailures;

		final Counter locksAcquired;

		final Counter locksNotAcquired;

		final Timer lockWaitAcquired;

		final Timer lockWaitNotAcquired;

		final Counter refreshesStarted;

		final Counter refreshesSucceeded;

		final Counter refreshesFailed;

		final Counter refreshesSkipped;

		Meters(MeterRegistry registry, String prefix) {
			Tags tags = Tags.of("cache", tag(prefix));
			this.hits = gets(registry, tags, "hit");
			this.misses = gets(registry, tags, "miss");
			this.puts = Counter.builder("cache.puts")
				.description("The number of entries added to the cache")
				.tags(tags)
				.register(registry);
			this.loadSuccesses = loads(registry, tags, "success");
			this.loadFailures = loads(registry, tags, "failure");
			this.locksAcquired = lockAcquisitions(registry, tags, "acquired");
			this.locksNotAcquired = lockAcquisitions(registry, tags, "not_acquired");
			this.lockWaitAcquired = lockWait(registry, tags, "acquired");
			this.lockWaitNotAcquired = lockWait(registry, tags, "not_acquired");
			this.refreshesStarted = Counter.builder("cache.refreshes.started")
				.description("The number of refresh-ahead reloads this instance started for stale hits")
				.tags(tags)
				.register(registry);
			this.refreshesSucceeded = refreshes(registry, tags, "success");
			this.refreshesFailed = refreshes(registry, tags, "failure");
			this.refreshesSkipped = refreshes(registry, tags, "skipped");
		}

		private static Counter refreshes(MeterRegistry registry, Tags tags, String result) {
			return Counter.builder("cache.refreshes")
				.description("Refresh-ahead reloads by outcome: success, failure (the old value is kept), or"
						+ " skipped because the reload pool was full")
				.tags(tags)
				.tag("result", result)
				.register(registry);
		}

		private static Counter gets(MeterRegistry registry, Tags tags, String result) {
			return Counter.builder("cache.gets")
				.description("The number of times cache lookup methods have returned a cached (hit) or "
						+ "missing (miss) value")
				.tags(tags)
				.tag("result", result)
				.register(registry);
		}

		private static Timer loads(MeterRegistry registry, Tags tags, String result) {
			return Timer.builder("cache.loads")
				.description("Time spent computing missing values in remember, by outcome")
				.tags(tags)
				.tag("result", result)
				.register(registry);
		}

		private static Counter lockAcquisitions(MeterRegistry registry, Tags tags, String result) {
			return Counter.builder("cache.lock.acquisitions")
				.description("The number of lock acquisition attempts, by outcome")
				.tags(tags)
				.tag("result", result)
				.register(registry);
		}

		private static Timer lockWait(MeterRegistry registry, Tags tags, String result) {
			return Timer.builder("cache.lock.wait")
				.description("Time spent waiting for a lock, by outcome")
				.tags(tags)
				.tag("result", result)
				.register(registry);
		}

	}

}
