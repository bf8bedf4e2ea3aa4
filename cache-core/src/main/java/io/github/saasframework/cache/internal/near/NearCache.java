package io.github.saasframework.cache.internal.near;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.github.saasframework.cache.CacheMetricsRecorder;
import io.github.saasframework.cache.internal.redis.StoredEntry;
import io.github.saasframework.cache.internal.redis.WriteListener;
import org.jspecify.annotations.Nullable;

/**
 * The memory of a near cache: values read from Redis, kept until Redis reports a change.
 * It knows nothing of connections: {@link NearCacheTracking} tells it what changed
 * ({@link TrackingListener}), the Redis door tells it what this process wrote
 * ({@link WriteListener}), and {@link NearCachedStore} reads through it.
 * <p>
 * The race of a read answered just before an invalidation (the Redis client-side caching
 * guide's "caching-in-progress" placeholder): a miss first puts a {@link Placeholder} for
 * the key; an invalidation removes whatever the key holds, placeholder included; the
 * value read is kept only by replacing that same placeholder. Only one read per key is in
 * flight: a concurrent miss of the key shares the placeholder's future (Redis sends
 * broadcast invalidations at the end of its event-loop cycle, after that cycle's replies,
 * so a second read could otherwise return a newer value than the first keeps, and its
 * caller would then read the older one from memory); for the same reason
 * {@link NearCachedStore} puts a placeholder and sends its read under one lock per
 * tracking connection, so that the reads of a key leave in the order of their
 * placeholders. A lost tracking connection bumps the epoch and empties the map before
 * anything else is served, and nothing is kept from reads that began in an older epoch.
 * <p>
 * An entry never outlives its Redis TTL (its deadline counts from before the read was
 * sent) nor the max age.
 */
final class NearCache implements TrackingListener, WriteListener {

	private final com.github.benmanes.caffeine.cache.Cache<String, Object> entries;

	private final long maxAgeNanos;

	private final CacheMetricsRecorder recorder;

	private final String metricsPrefix;

	/**
	 * Bumped whenever tracking was lost or came back: reads of older epochs keep nothing.
	 */
	private final AtomicLong epoch = new AtomicLong();

	NearCache(int maxEntries, Duration maxAge, CacheMetricsRecorder recorder, String metricsPrefix) {
		this.metricsPrefix = metricsPrefix;
		this.maxAgeNanos = maxAge.toNanos();
		this.recorder = recorder;
		this.entries = Caffeine.newBuilder()
			.maximumSize(maxEntries)
			.expireAfter(new Deadlines(this.maxAgeNanos))
			// maintenance on the calling threads: no work on the common pool
			.executor(Runnable::run)
			.build();
	}

	/**
	 * The entry of a key read before and unchanged since.
	 * @return {@code null} when memory has nothing to answer with
	 */
	@Nullable NearEntry find(String redisKey) {
		return (this.entries.getIfPresent(redisKey) instanceof NearEntry entry) ? entry : null;
	}

	/**
	 * What memory holds for a key now, without reserving it.
	 * @return a {@link NearEntry}, another caller's {@link Placeholder}, or {@code null}
	 */
	@Nullable Object held(String redisKey) {
		return this.entries.asMap().get(redisKey);
	}

	/** The current epoch, taken before a read that may be kept. */
	long epoch() {
		return this.epoch.get();
	}

	/**
	 * Marks a key whose read is about to be sent, unless memory already holds it or
	 * another caller's read of it is on its way.
	 * @return what the key holds: a {@link NearEntry}, another caller's
	 * {@link Placeholder}, or the caller's own new placeholder (then {@link Owned})
	 */
	Object reserve(String redisKey) {
		Placeholder placeholder = new Placeholder();
		Object existing = this.entries.asMap().putIfAbsent(redisKey, placeholder);
		return (existing != null) ? existing : placeholder.owned();
	}

	/**
	 * Ends a read that {@link #reserve} started: keeps the value when that is still safe
	 * (the placeholder was not invalidated, tracking was not lost, the entry has time
	 * left), and completes the placeholder for the callers that share it.
	 * @param failure the read's failure, or {@code null}
	 */
	void finish(String redisKey, Placeholder placeholder, @Nullable StoredEntry read, @Nullable Throwable failure,
			long sentAt, long epoch) {
		boolean kept = failure == null && read != null && keep(redisKey, placeholder, read, sentAt, epoch);
		if (!kept) {
			this.entries.asMap().remove(redisKey, placeholder);
		}
		if (failure != null) {
			placeholder.read.completeExceptionally(failure);
		}
		else {
			placeholder.read.complete(read);
		}
	}

	/**
	 * This process wrote (or tried to write) a key: forget it now, so the writer reads
	 * its own write even before Redis's invalidation arrives.
	 */
	@Override
	public void written(byte[] key) {
		forget(new String(key, StandardCharsets.UTF_8));
	}

	/**
	 * A key was read elsewhere than through the tracking connection (the door): forget
	 * what memory holds for it, an in-flight read's placeholder included, before the
	 * value read is returned, so that its caller is not served an older value afterwards.
	 */
	void forget(String redisKey) {
		this.entries.invalidate(redisKey);
	}

	/** Forgets everything (this process deleted keys by pattern). */
	void clear() {
		this.entries.invalidateAll();
	}

	@Override
	public void invalidated(List<String> redisKeys) {
		long removed = 0;
		for (String key : redisKeys) {
			if (this.entries.asMap().remove(key) instanceof NearEntry) {
				removed++;
			}
		}
		if (removed > 0) {
			this.recorder.recordNearCacheInvalidations(this.metricsPrefix, removed);
		}
	}

	@Override
	public void lost() {
		this.epoch.incrementAndGet();
		long size = this.entries.estimatedSize();
		this.entries.invalidateAll();
		if (size > 0) {
			this.recorder.recordNearCacheInvalidations(this.metricsPrefix, size);
		}
	}

	@Override
	public void started() {
		this.epoch.incrementAndGet();
	}

	long size() {
		return this.entries.estimatedSize();
	}

	private boolean keep(String redisKey, Placeholder placeholder, StoredEntry read, long sentAt, long epoch) {
		NearEntry entry = new NearEntry(read, sentAt, this.maxAgeNanos);
		if (entry.expiresAt - System.nanoTime() <= 0 || this.epoch.get() != epoch) {
			return false;
		}
		if (!this.entries.asMap().replace(redisKey, placeholder, entry)) {
			// invalidated while the read was on its way
			return false;
		}
		if (this.epoch.get() != epoch) {
			this.entries.asMap().remove(redisKey, entry);
		}
		return true;
	}

	/**
	 * Marks a key whose read is on its way ("caching-in-progress"); callers that find it
	 * share that read's future.
	 */
	static final class Placeholder {

		final CompletableFuture<@Nullable StoredEntry> read = new CompletableFuture<>();

		/** The handle given to the caller that put the placeholder, and only to it. */
		Owned owned() {
			return new Owned(this);
		}

		/**
		 * The in-flight read's result for another caller, with its own copy of the bytes.
		 */
		CompletableFuture<@Nullable StoredEntry> shared() {
			return this.read.thenApply((entry) -> (entry != null)
					? new StoredEntry(entry.bytes().clone(), entry.remainingMillis()) : null);
		}

	}

	/** The caller's own new placeholder: that caller sends the read. */
	record Owned(Placeholder placeholder) {
	}

	/** Per-entry expiry: an entry's own deadline; a placeholder's is the max age. */
	private static final class Deadlines implements Expiry<String, Object> {

		private final long maxAgeNanos;

		Deadlines(long maxAgeNanos) {
			this.maxAgeNanos = maxAgeNanos;
		}

		@Override
		public long expireAfterCreate(String key, Object value, long currentTime) {
			return (value instanceof NearEntry entry) ? Math.max(0, entry.expiresAt - currentTime) : this.maxAgeNanos;
		}

		@Override
		public long expireAfterUpdate(String key, Object value, long currentTime, long currentDuration) {
			return expireAfterCreate(key, value, currentTime);
		}

		@Override
		public long expireAfterRead(String key, Object value, long currentTime, long currentDuration) {
			return currentDuration;
		}

	}

}
