package io.github.saasframework.cache;

import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Values read from Redis, kept in process memory until Redis reports a change: the near
 * cache of a root {@link RedisCache} (shared by its {@code withPrefix} children).
 * <p>
 * Coherence comes from Redis: {@link NearCacheTracking} keeps one RESP3 connection per
 * master with {@code CLIENT TRACKING on BCAST PREFIX <prefix>:}, so every change of a key
 * under the cache's prefix, by any client, and every expiry, eviction and flush, arrives
 * as an invalidation that removes the key here. A near miss reads the value (and its TTL)
 * through the tracking connection of the key's master, so the reply and the invalidations
 * of that key travel on one connection, in the order Redis produced them.
 * <p>
 * The race of a read answered just before an invalidation (the Redis client-side caching
 * guide's "caching-in-progress" placeholder): a miss first puts a placeholder for the
 * key; an invalidation removes whatever the key holds, placeholder included; the value
 * read is stored only by replacing that same placeholder. A lost tracking connection
 * (disconnect, restart, failed heartbeat, topology change) bumps the epoch and empties
 * the map before anything else is served, and nothing is stored from reads that began in
 * an older epoch.
 * <p>
 * An entry never outlives its Redis TTL (its deadline counts from before the read was
 * sent) nor {@code maxAge}. Values of {@link ImmutableTypes shareable} types are decoded
 * once and shared; all others are decoded from the stored bytes on every hit.
 */
final class NearCache implements AutoCloseable {

	private static final NearCache OFF = new NearCache();

	private final @Nullable RedisCalls redis;

	private final com.github.benmanes.caffeine.cache.@Nullable Cache<String, Object> entries;

	private final long maxAgeNanos;

	private final CacheMetricsRecorder recorder;

	private final String metricsPrefix;

	/**
	 * Bumped whenever tracking was lost or came back: reads of older epochs store
	 * nothing.
	 */
	private final AtomicLong epoch = new AtomicLong();

	private @Nullable NearCacheTracking tracking;

	private NearCache() {
		this.redis = null;
		this.entries = null;
		this.maxAgeNanos = 0;
		this.recorder = CacheMetricsRecorder.NONE;
		this.metricsPrefix = "";
	}

	private NearCache(RedisCalls redis, int maxEntries, Duration maxAge, CacheMetricsRecorder recorder,
			String metricsPrefix) {
		this.redis = redis;
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

	/** The near cache of a cache without one: every method answers "not here". */
	static NearCache off() {
		return OFF;
	}

	/**
	 * Starts a near cache: opens the tracking connection(s) and returns once tracking is
	 * on for every master.
	 * @param keyPrefix the root cache's prefix ({@code ""}: every key is tracked)
	 * @throws IllegalStateException if the factory is not Lettuce's or Redis cannot track
	 */
	static NearCache start(RedisCalls redis, RedisConnectionFactory factory, String keyPrefix, CacheOptions options) {
		NearCache near = new NearCache(redis, options.nearCacheMaxEntries(), options.nearCacheMaxAge(),
				options.metricsRecorder(), keyPrefix);
		String trackedPrefix = keyPrefix.isEmpty() ? "" : keyPrefix + ":";
		near.tracking = NearCacheTracking.start(factory, trackedPrefix, near);
		options.metricsRecorder().bindNearCacheSize(keyPrefix, near::size);
		return near;
	}

	boolean isOn() {
		return this.entries != null;
	}

	/**
	 * The entry of a key read before and unchanged since.
	 * @return {@code null} when memory has nothing to answer with
	 */
	@Nullable Entry find(String redisKey) {
		if (this.entries == null) {
			return null;
		}
		return (this.entries.getIfPresent(redisKey) instanceof Entry entry) ? entry : null;
	}

	/**
	 * Reads a key that {@link #find} did not answer from Redis (value and remaining TTL),
	 * and keeps it when that is safe. Only for a near cache that {@link #isOn() is on}.
	 * @return {@code null} when the key does not exist
	 */
	@Nullable StoredEntry fetch(String redisKey, byte[] raw) {
		NearCacheTracking.Node node = requireTracking().nodeFor(raw);
		long epoch = this.epoch.get();
		if (node == null || !node.isUp()) {
			return requireRedis().getWithTtl(raw);
		}
		Placeholder placeholder = new Placeholder();
		boolean reserved = map().asMap().putIfAbsent(redisKey, placeholder) == null;
		boolean stored = false;
		try {
			if (!reserved || this.epoch.get() != epoch) {
				// another thread is filling this key, or tracking was lost meanwhile:
				// read
				// without keeping
				return node.read(raw);
			}
			long sentAt = System.nanoTime();
			StoredEntry read = node.read(raw);
			if (read == null) {
				return null;
			}
			stored = keep(redisKey, placeholder, read, sentAt, epoch);
			return read;
		}
		catch (NearCacheTracking.NotServedHere ex) {
			// the slot moved and the tracked node does not serve it: read it where it is,
			// without keeping it
			return requireRedis().getWithTtl(raw);
		}
		finally {
			if (reserved && !stored) {
				map().asMap().remove(redisKey, placeholder);
			}
		}
	}

	/**
	 * Reads keys that {@link #find} did not answer, one round trip per master, keeping
	 * those that it is safe to keep.
	 * @return the values in the order of the keys, {@code null} for a missing key
	 */
	List<byte @Nullable []> fetchAll(List<String> redisKeys, List<byte[]> raws) {
		NearCacheTracking tracking = requireTracking();
		long epoch = this.epoch.get();
		int size = redisKeys.size();
		List<byte @Nullable []> values = new ArrayList<>(Arrays.asList(new byte[size][]));
		List<Integer> viaDoor = new ArrayList<>();
		List<Pending> pending = new ArrayList<>();
		try {
			for (int i = 0; i < size; i++) {
				byte[] raw = raws.get(i);
				NearCacheTracking.Node node = tracking.nodeFor(raw);
				Placeholder placeholder = new Placeholder();
				if (node == null || !node.isUp() || map().asMap().putIfAbsent(redisKeys.get(i), placeholder) != null) {
					viaDoor.add(i);
					continue;
				}
				pending.add(new Pending(i, placeholder, System.nanoTime(), node.readAsync(raw)));
			}
			for (Pending read : pending) {
				StoredEntry entry;
				try {
					entry = read.reply().await();
				}
				catch (NearCacheTracking.NotServedHere ex) {
					entry = requireRedis().getWithTtl(raws.get(read.index()));
					if (entry != null) {
						values.set(read.index(), entry.value());
					}
					continue;
				}
				if (entry != null) {
					values.set(read.index(), entry.value());
					read.kept = keep(redisKeys.get(read.index()), read.placeholder(), entry, read.sentAt(), epoch);
				}
			}
		}
		finally {
			for (Pending read : pending) {
				if (!read.kept) {
					map().asMap().remove(redisKeys.get(read.index()), read.placeholder());
				}
			}
		}
		if (!viaDoor.isEmpty()) {
			byte[][] keys = new byte[viaDoor.size()][];
			for (int i = 0; i < keys.length; i++) {
				keys[i] = raws.get(viaDoor.get(i));
			}
			List<byte[]> read = requireRedis().mGet(keys);
			for (int i = 0; i < keys.length && i < read.size(); i++) {
				values.set(viaDoor.get(i), read.get(i));
			}
		}
		return values;
	}

	/**
	 * This process wrote (or tried to write) a key: forget it now, so the writer reads
	 * its own write even before Redis's invalidation arrives.
	 */
	void written(byte[] raw) {
		if (this.entries != null) {
			this.entries.invalidate(new String(raw, StandardCharsets.UTF_8));
		}
	}

	/** Forgets everything (this process deleted keys by pattern). */
	void clear() {
		if (this.entries != null) {
			this.entries.invalidateAll();
		}
	}

	/** Redis reported changes of these keys. Called on a connection's I/O thread. */
	void invalidated(List<String> redisKeys) {
		com.github.benmanes.caffeine.cache.Cache<String, Object> map = map();
		long removed = 0;
		for (String key : redisKeys) {
			if (map.asMap().remove(key) instanceof Entry) {
				removed++;
			}
		}
		if (removed > 0) {
			this.recorder.recordNearCacheInvalidations(this.metricsPrefix, removed);
		}
	}

	/**
	 * Tracking was lost (or the topology changed, or Redis flushed a database): nothing
	 * in memory can be trusted, and no read begun before now may be kept.
	 */
	void lost() {
		this.epoch.incrementAndGet();
		com.github.benmanes.caffeine.cache.Cache<String, Object> map = map();
		long size = map.estimatedSize();
		map.invalidateAll();
		if (size > 0) {
			this.recorder.recordNearCacheInvalidations(this.metricsPrefix, size);
		}
	}

	/** Tracking (re)started: reads from now on may be kept. */
	void trackingStarted() {
		this.epoch.incrementAndGet();
	}

	long size() {
		return (this.entries != null) ? this.entries.estimatedSize() : 0;
	}

	@Override
	public void close() {
		NearCacheTracking tracking = this.tracking;
		if (tracking != null) {
			tracking.close();
		}
		clear();
	}

	private boolean keep(String redisKey, Placeholder placeholder, StoredEntry read, long sentAt, long epoch) {
		Entry entry = new Entry(read, sentAt, this.maxAgeNanos);
		if (entry.expiresAt - System.nanoTime() <= 0 || this.epoch.get() != epoch) {
			return false;
		}
		if (!map().asMap().replace(redisKey, placeholder, entry)) {
			// invalidated while the read was on its way
			return false;
		}
		if (this.epoch.get() != epoch) {
			map().asMap().remove(redisKey, entry);
		}
		return true;
	}

	private com.github.benmanes.caffeine.cache.Cache<String, Object> map() {
		com.github.benmanes.caffeine.cache.Cache<String, Object> map = this.entries;
		if (map == null) {
			throw new IllegalStateException("The near cache is off");
		}
		return map;
	}

	private NearCacheTracking requireTracking() {
		NearCacheTracking tracking = this.tracking;
		if (tracking == null) {
			throw new IllegalStateException("The near cache is off");
		}
		return tracking;
	}

	private RedisCalls requireRedis() {
		RedisCalls calls = this.redis;
		if (calls == null) {
			throw new IllegalStateException("The near cache is off");
		}
		return calls;
	}

	/**
	 * A value kept in memory: its bytes as Redis returned them, and for a shareable type
	 * the object decoded from them.
	 */
	static final class Entry {

		private final byte[] bytes;

		/**
		 * When it stops being answered: its Redis expiry or max age, whichever is first.
		 */
		final long expiresAt;

		/** Its Redis expiry ({@link Long#MAX_VALUE} for none), for the remaining TTL. */
		private final long redisExpiresAt;

		private volatile @Nullable Decoded decoded;

		Entry(StoredEntry read, long sentAt, long maxAgeNanos) {
			// a copy: the bytes read are also decoded for the caller that read them
			this.bytes = read.value().clone();
			long remaining = read.remainingMillis();
			this.redisExpiresAt = (remaining < 0) ? Long.MAX_VALUE : sentAt + remaining * 1_000_000L;
			long maxAgeEnd = sentAt + maxAgeNanos;
			this.expiresAt = (this.redisExpiresAt - maxAgeEnd < 0) ? this.redisExpiresAt : maxAgeEnd;
		}

		/**
		 * The value as {@code type}: the shared object for a shareable type, else a new
		 * one decoded from a copy of the bytes.
		 */
		@Nullable Object value(String key, Type type, ValueCodec codec) {
			Decoded current = this.decoded;
			if (current != null && current.type == type) {
				return current.value;
			}
			Object value = codec.decode(key, this.bytes.clone(), type);
			if (ImmutableTypes.isShareable(type)) {
				this.decoded = new Decoded(type, value);
			}
			return value;
		}

		boolean isNullMarker() {
			return ValueCodec.isNullMarker(this.bytes);
		}

		/** The remaining Redis TTL now, {@link StoredEntry#NO_EXPIRY} for none. */
		long remainingMillis() {
			if (this.redisExpiresAt == Long.MAX_VALUE) {
				return StoredEntry.NO_EXPIRY;
			}
			return Math.max(0, (this.redisExpiresAt - System.nanoTime()) / 1_000_000L);
		}

		private record Decoded(Type type, @Nullable Object value) {
		}

	}

	/** Marks a key whose read is on its way ("caching-in-progress"). */
	private static final class Placeholder {

	}

	private static final class Pending {

		private final int index;

		private final Placeholder placeholder;

		private final long sentAt;

		private final NearCacheTracking.PendingRead reply;

		boolean kept;

		Pending(int index, Placeholder placeholder, long sentAt, NearCacheTracking.PendingRead reply) {
			this.index = index;
			this.placeholder = placeholder;
			this.sentAt = sentAt;
			this.reply = reply;
		}

		int index() {
			return this.index;
		}

		Placeholder placeholder() {
			return this.placeholder;
		}

		long sentAt() {
			return this.sentAt;
		}

		NearCacheTracking.PendingRead reply() {
			return this.reply;
		}

	}

	/** Per-entry expiry: an entry's own deadline; a placeholder's is max age. */
	private static final class Deadlines implements Expiry<String, Object> {

		private final long maxAgeNanos;

		Deadlines(long maxAgeNanos) {
			this.maxAgeNanos = maxAgeNanos;
		}

		@Override
		public long expireAfterCreate(String key, Object value, long currentTime) {
			return (value instanceof Entry entry) ? Math.max(0, entry.expiresAt - currentTime) : this.maxAgeNanos;
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
