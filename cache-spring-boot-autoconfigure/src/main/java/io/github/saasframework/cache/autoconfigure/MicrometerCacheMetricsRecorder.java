package io.github.saasframework.cache.autoconfigure;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import io.github.saasframework.cache.CacheMetricsRecorder;
import io.lettuce.core.RedisCommandExecutionException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import org.jspecify.annotations.Nullable;

/**
 * Records what a {@code RedisCache} does as Micrometer meters, named the way Micrometer's
 * own cache binders name theirs ({@code cache.gets{result=hit|miss}}, {@code cache.puts},
 * {@code cache.unreadable{kind=entry|value}}) and tagged {@code cache=<prefix>}, with
 * {@value #NO_PREFIX_TAG} for a cache without prefix. The meters of a prefix are
 * registered by {@link #registerMeters(String)} (the auto-configuration does so for the
 * configured prefix, so every meter, even {@code cache.fail.open}, is visible from
 * startup) or on its first recorded call, and kept, so the recording path is one map
 * lookup and an increment. The {@code cache.near.*} meters exist only for a cache with a
 * near cache. A cache of Spring's cache abstraction is tagged with its name
 * ({@link #cacheCreated}). Thread-safe.
 */
final class MicrometerCacheMetricsRecorder implements CacheMetricsRecorder, CacheNameListener {

	/** Value of the {@code cache} tag for a cache without prefix. */
	static final String NO_PREFIX_TAG = "(none)";

	/**
	 * Value of the {@code exception} tag of the {@code cache.fail.open} counter that is
	 * registered up front and stays at zero (as in {@code http.server.requests}).
	 */
	static final String NO_EXCEPTION_TAG = "none";

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
	 * Registers every meter of a prefix now rather than on its first recorded call.
	 * @param prefix the key prefix, {@code ""} for none
	 */
	void registerMeters(String prefix) {
		meters(prefix);
	}

	/**
	 * Tags the meters of {@code prefix} with {@code cache=<cacheName>} instead of the
	 * prefix: a cache of Spring's cache abstraction is tagged with its name, as Spring
	 * Boot tags cache meters. Takes effect for meters not registered yet.
	 */
	@Override
	public void cacheCreated(String cacheName, String prefix) {
		this.cacheNames.put(prefix, cacheName);
	}

	/**
	 * A named cache of Spring's cache abstraction gets meters of its own, whatever
	 * {@code app.cache.metrics.prefix-limit} says: their number is bounded by the cache
	 * names the application uses.
	 */
	@Override
	public boolean recordsOnItsOwn(String prefix) {
		return this.cacheNames.containsKey(prefix);
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
	public void recordUnreadableEntry(String prefix) {
		meters(prefix).unreadableEntries.increment();
	}

	@Override
	public void recordUnreadableValue(String prefix) {
		meters(prefix).unreadableValues.increment();
	}

	@Override
	public void recordNearCacheGets(String prefix, int hits, int misses) {
		NearMeters near = meters(prefix).near();
		if (hits > 0) {
			near.hits.increment(hits);
		}
		if (misses > 0) {
			near.misses.increment(misses);
		}
	}

	@Override
	public void recordNearCacheInvalidations(String prefix, long count) {
		if (count > 0) {
			meters(prefix).near().invalidations.increment(count);
		}
	}

	/**
	 * Called when a near cache is created: its meters exist from then on (and only for a
	 * cache that has a near cache).
	 */
	@Override
	public void bindNearCacheSize(String prefix, LongSupplier size) {
		meters(prefix).near();
		Gauge.builder("cache.near.size", size, (supplier) -> supplier.getAsLong())
			.description("The number of entries the near cache holds in process memory")
			.tags(Tags.of("cache", cacheTag(prefix)))
			.strongReference(true)
			.register(this.registry);
	}

	@Override
	public void recordFailOpen(String prefix, Throwable failure) {
		failOpen(this.registry, Tags.of("cache", cacheTag(prefix)), failure.getClass().getSimpleName(), reason(failure))
			.increment();
	}

	private static Counter failOpen(MeterRegistry registry, Tags tags, String exception, String reason) {
		return Counter.builder("cache.fail.open")
			.description("Calls that Redis could not serve and that were answered without it")
			.tags(tags)
			.tag("exception", exception)
			.tag("reason", reason)
			.register(registry);
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

	/**
	 * What Redis said, in one bounded word: the code of an error reply ({@code LOADING},
	 * {@code MASTERDOWN}) or the class of the innermost cause
	 * ({@code RedisCommandTimeoutException}, {@code RedisConnectionException}).
	 */
	static String reason(Throwable failure) {
		Throwable innermost = failure;
		for (Throwable current = failure; current != null; current = current.getCause()) {
			if (current instanceof RedisCommandExecutionException && current.getMessage() != null) {
				String code = current.getMessage().split(" ", 2)[0];
				return code.matches("[A-Z]{2,20}") ? code : "ERR";
			}
			innermost = current;
			if (current.getCause() == current) {
				break;
			}
		}
		return innermost.getClass().getSimpleName();
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

		final Counter refreshesStarted;

		final Counter refreshesSucceeded;

		final Counter refreshesFailed;

		final Counter refreshesSkipped;

		final Counter unreadableEntries;

		final Counter unreadableValues;

		private final MeterRegistry registry;

		private final Tags tags;

		private volatile @Nullable NearMeters near;

		Meters(MeterRegistry registry, String cacheTag) {
			this.registry = registry;
			Tags tags = Tags.of("cache", cacheTag);
			this.tags = tags;
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
			// the same tag keys as the counted ones, so registries that need one set of
			// keys per name (Prometheus) accept both
			failOpen(registry, tags, NO_EXCEPTION_TAG, NO_EXCEPTION_TAG);
			this.refreshesStarted = Counter.builder("cache.refreshes.started")
				.description("The number of refresh-ahead reloads this instance started for stale hits")
				.tags(tags)
				.register(registry);
			this.refreshesSucceeded = refreshes(registry, tags, "success");
			this.refreshesFailed = refreshes(registry, tags, "failure");
			this.refreshesSkipped = refreshes(registry, tags, "skipped");
			this.unreadableEntries = unreadable(registry, tags, "entry");
			this.unreadableValues = unreadable(registry, tags, "value");
		}

		/**
		 * The near cache's meters, registered when the first near cache of the prefix is
		 * created or records: none without a near cache.
		 */
		NearMeters near() {
			NearMeters found = this.near;
			if (found == null) {
				// a race registers the same meters twice: Micrometer returns the same
				// ones
				found = new NearMeters(this.registry, this.tags);
				this.near = found;
			}
			return found;
		}

		private static Counter refreshes(MeterRegistry registry, Tags tags, String result) {
			return Counter.builder("cache.refreshes")
				.description("Refresh-ahead reloads by outcome: success, failure (the old value is kept), or"
						+ " skipped because the reload pool was full")
				.tags(tags)
				.tag("result", result)
				.register(registry);
		}

		private static Counter unreadable(MeterRegistry registry, Tags tags, String kind) {
			return Counter.builder("cache.unreadable")
				.description("kind=entry: entries that could not be read as the requested type, answered as a miss"
						+ " and replaced by a load; kind=value: values not stored because they could not be read"
						+ " back as the type their method declares (the call ran without the cache)")
				.tags(tags)
				.tag("kind", kind)
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

	/** The meters of the near cache of one prefix. */
	private static final class NearMeters {

		final Counter hits;

		final Counter misses;

		final Counter invalidations;

		NearMeters(MeterRegistry registry, Tags tags) {
			this.hits = gets(registry, tags, "hit");
			this.misses = gets(registry, tags, "miss");
			this.invalidations = Counter.builder("cache.near.invalidations")
				.description("Entries removed from the near cache because Redis reported a change, or because"
						+ " it was emptied (flush, lost tracking connection, topology change)")
				.tags(tags)
				.register(registry);
		}

		private static Counter gets(MeterRegistry registry, Tags tags, String result) {
			return Counter.builder("cache.near.gets")
				.description("Reads the near cache answered from process memory (hit) or sent to Redis (miss)")
				.tags(tags)
				.tag("result", result)
				.register(registry);
		}

	}

}
