package io.github.saasframework.cache;

import java.util.function.LongSupplier;

/**
 * Receives what a {@link RedisCache} does, for metrics: the auto-configuration binds it
 * to Micrometer when Micrometer is on the classpath. Every method has an empty default,
 * so an implementation overrides only what it records. Implementations must be
 * thread-safe and fast: they run on the caller's thread, on every call.
 * <p>
 * Each method receives the prefix of the cache that did the work ({@code ""} when none),
 * so caches created with {@link Cache#withPrefix(String)} can be told apart.
 *
 * @since 0.1.0
 */
public interface CacheMetricsRecorder {

	/** A recorder that records nothing. */
	CacheMetricsRecorder NONE = new CacheMetricsRecorder() {
	};

	/**
	 * Records reads: {@code get}, {@code getAll} and the read of {@code remember}.
	 * @param prefix the cache's prefix
	 * @param hits how many keys were found
	 * @param misses how many keys were not found
	 */
	default void recordGets(String prefix, int hits, int misses) {
	}

	/**
	 * Records writes of values: {@code set}, {@code setAll} and the store of
	 * {@code remember}.
	 * @param prefix the cache's prefix
	 * @param count how many values were written
	 */
	default void recordPuts(String prefix, int count) {
	}

	/**
	 * Records keys removed: {@code delete}, {@code deleteAll}, {@code deleteByPattern}
	 * and {@code flushPrefix}.
	 * @param prefix the cache's prefix
	 * @param count how many keys were removed
	 * @since 0.2.0
	 */
	default void recordEvictions(String prefix, long count) {
	}

	/**
	 * Records one run of a {@code remember} loader.
	 * @param prefix the cache's prefix
	 * @param success whether the loader returned normally
	 * @param durationNanos how long it ran
	 */
	default void recordLoad(String prefix, boolean success, long durationNanos) {
	}

	/**
	 * Records the outcome of one {@code acquire}/{@code tryAcquire}/{@code withLock}
	 * call.
	 * @param prefix the cache's prefix
	 * @param acquired whether the lock was acquired
	 * @param waitNanos how long the caller waited for the outcome
	 */
	default void recordLockAcquisition(String prefix, boolean acquired, long waitNanos) {
	}

	/**
	 * Records a call that Redis could not serve and that was answered without it (a
	 * fail-open {@code remember} that ran its loader directly).
	 * @param prefix the cache's prefix
	 * @param failure the Redis failure
	 */
	default void recordFailOpen(String prefix, Throwable failure) {
	}

	/**
	 * Records an entry that was found but could not be read as the requested type (a
	 * class whose shape changed since the entry was written, or bytes another writer
	 * left): {@code remember}, {@code @Remember} and Spring's cache answer it as a miss,
	 * load the value and overwrite the entry. A direct {@code get} or {@code getAll}
	 * throws instead and is not recorded here.
	 * @param prefix the cache's prefix
	 * @since 0.3.0
	 */
	default void recordUnreadableEntry(String prefix) {
	}

	/**
	 * Records a value that was not stored because it could not be read back as the type
	 * it is declared as (a cached method's return type): the call ran without the cache.
	 * @param prefix the cache's prefix
	 * @since 0.3.0
	 */
	default void recordUnreadableValue(String prefix) {
	}

	/**
	 * Whether a namespace made by {@link Cache#withPrefix(String)} records under its own
	 * prefix even beyond {@link CacheConfig#prefixMetricsLimit()}: for namespaces whose
	 * number the application bounds itself, such as the named caches of Spring's cache
	 * abstraction. Asked once, when the namespace is made.
	 * @param prefix the namespace's full prefix
	 * @return {@code false} by default
	 */
	default boolean recordsOnItsOwn(String prefix) {
		return false;
	}

	/**
	 * Records that a refresh-ahead reload started: a stale hit was found, this process
	 * took the key's load lease and its loader is now running in the background.
	 * @param prefix the cache's prefix
	 */
	default void recordRefreshStarted(String prefix) {
	}

	/**
	 * Records the outcome of a refresh-ahead reload that started.
	 * @param prefix the cache's prefix
	 * @param success whether the reloaded value was written (on failure the old value
	 * stays until its TTL ends)
	 */
	default void recordRefreshResult(String prefix, boolean success) {
	}

	/**
	 * Records a stale hit whose reload was skipped because the cache's reload pool was
	 * full (or closed); the reader got the stored value as always.
	 * @param prefix the cache's prefix
	 */
	default void recordRefreshSkipped(String prefix) {
	}

	/**
	 * Records reads that the near cache answered from memory ({@code hits}) or had to
	 * send to Redis ({@code misses}). Every such read is recorded by
	 * {@link #recordGets(String, int, int)} as well, as a hit or miss of the cache.
	 * @param prefix the cache's prefix
	 * @param hits how many keys were answered from memory
	 * @param misses how many keys were read from Redis
	 * @since 0.2.0
	 */
	default void recordNearCacheGets(String prefix, int hits, int misses) {
	}

	/**
	 * Records entries removed from the near cache because Redis reported a change (a
	 * write by any client, an expiry, an eviction) or because the near cache was emptied
	 * (a flush, a lost invalidation connection, a topology change).
	 * @param prefix the prefix of the cache that owns the near cache (its
	 * {@code withPrefix} namespaces share it)
	 * @param count how many entries were removed
	 * @since 0.2.0
	 */
	default void recordNearCacheInvalidations(String prefix, long count) {
	}

	/**
	 * Called once when a cache with a near cache is created, with a way to read its
	 * current number of entries (for a gauge).
	 * @param prefix the prefix of the cache that owns the near cache
	 * @param size the current number of entries
	 * @since 0.2.0
	 */
	default void bindNearCacheSize(String prefix, LongSupplier size) {
	}

}
