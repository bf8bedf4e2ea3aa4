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

	/**
	 * The {@code cache} tag of prefixes that are caches of Spring's cache abstraction.
	 */
	private final ConcurrentMap<String, String> cacheNames = new ConcurrentHashMap<>();

	MicrometerCacheMetricsRecorder(MeterRegistry registry) {
		this.registry = registry;
	}

	/**
	 * Tags the meters of {@code prefix} with {@code cache=<cacheName>} instead of the
	 * prefix: a cache of Spring's cache abstraction is tagged with its name, as Spring
	 * Boot tags cache meters. Takes effect for meters not registered yet.
	 */
	void tagPrefixAs(String cacheName, String prefix) {
		this.cacheNames.put(prefix, cacheName);
	}

	@Override
	public void recordEvictions(String prefix, long count) {
		if (count > 0) {
			meters(prefix).evictions.increment(count);
		}
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
	public void recordFailOpen(String prefix, Throwable failure) {
		Counter.builder("cache.fail.open")
			.description("Calls that Redis could not serve and that were answered without it")
			.tags(Tags.of("cache", cacheTag(prefix), "exception", failure.getClass().getSimpleName()))
			.register(this.registry)
			.increment();
	}

	private Meters meters(String prefix) {
		Meters found = this.meters.get(prefix);
		return (found != null) ? found
				: this.meters.computeIfAbsent(prefix, (key) -> new Meters(this.registry, cacheTag(key)));
	}

	private String cacheTag(String prefix) {
		String cacheName = this.cacheNames.get(prefix);
		return (cacheName != null) ? cacheName : tag(prefix);
	}

	static String tag(String prefix) {
		return prefix.isEmpty() ? NO_PREFIX_TAG : prefix;
	}

	/** The meters of one prefix. */
	private static final class Meters {

		final Counter hits;

		final Counter misses;

		final Counter puts;

		final Counter evictions;

		final Timer loadSuccesses;

		final Timer loadFailures;

		final Counter locksAcquired;

		final Counter locksNotAcquired;

		final Timer lockWaitAcquired;

		final Timer lockWaitNotAcquired;

		Meters(MeterRegistry registry, String cacheTag) {
			Tags tags = Tags.of("cache", cacheTag);
			this.hits = gets(registry, tags, "hit");
			this.misses = gets(registry, tags, "miss");
			this.puts = Counter.builder("cache.puts")
				.description("The number of entries added to the cache")
				.tags(tags)
				.register(registry);
			this.evictions = Counter.builder("cache.evictions")
				.description("The number of entries removed from the cache")
				.tags(tags)
				.register(registry);
			this.loadSuccesses = loads(registry, tags, "success");
			this.loadFailures = loads(registry, tags, "failure");
			this.locksAcquired = lockAcquisitions(registry, tags, "acquired");
			this.locksNotAcquired = lockAcquisitions(registry, tags, "not_acquired");
			this.lockWaitAcquired = lockWait(registry, tags, "acquired");
			this.lockWaitNotAcquired = lockWait(registry, tags, "not_acquired");
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
