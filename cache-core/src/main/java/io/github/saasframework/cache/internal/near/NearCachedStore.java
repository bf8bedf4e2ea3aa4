package io.github.saasframework.cache.internal.near;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.locks.ReentrantLock;

import io.github.saasframework.cache.CacheMetricsRecorder;
import io.github.saasframework.cache.CacheObserver;
import io.github.saasframework.cache.internal.KeyNamespace;
import io.github.saasframework.cache.internal.StoredValue;
import io.github.saasframework.cache.internal.ValueCodec;
import io.github.saasframework.cache.internal.redis.RedisDoor;
import io.github.saasframework.cache.internal.redis.StoredEntry;
import io.github.saasframework.cache.internal.store.ValueStore;
import io.netty.util.concurrent.FastThreadLocalThread;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * The near-cached read path: a key read before is answered from memory without a Redis
 * command until Redis reports a change; a miss is read through the tracking connection of
 * the key's master ({@link NearCacheTracking}), so the server that answers is the one
 * that reports the key's changes, and kept when that is safe ({@link NearCache}). A key
 * whose master has no working tracking connection is read through the door and not kept.
 * <p>
 * A read through the door is not ordered against the tracking connection's replies and
 * invalidations: it may be answered after a write that a tracked read, kept in memory,
 * was answered before, while the write's invalidation is still on its way (or was lost
 * with the connection that carried it). So a read through the door forgets its key from
 * memory before its caller gets the value: that caller never reads an older value from
 * memory afterwards.
 * <p>
 * Built with its own {@link RedisDoor}, whose writes the memory hears of: this process
 * reads its own writes at once.
 */
public final class NearCachedStore extends ValueStore implements AutoCloseable {

	private final NearCache memory;

	private final NearCacheTracking tracking;

	private NearCachedStore(RedisDoor door, ValueCodec codec, CacheMetricsRecorder recorder, CacheObserver observer,
			NearCache memory, NearCacheTracking tracking) {
		super(door, codec, recorder, observer);
		this.memory = memory;
		this.tracking = tracking;
	}

	/**
	 * Starts a near cache on a connection factory: its memory, the door whose writes it
	 * hears of, and the tracking connection(s). When Redis cannot be reached, it starts
	 * without them: every read goes to Redis (and fails as it would without a near
	 * cache), nothing is kept, and tracking is switched on in the background once Redis
	 * answers.
	 * @param factory Lettuce's connection factory
	 * @param keyPrefix the root cache's prefix ({@code ""}: every key is tracked)
	 * @param maxEntries the size bound
	 * @param maxAge the longest an entry is answered from memory
	 * @param commandTimeout the longest a caller waits for Redis ({@link Duration#ZERO}:
	 * the factory's command timeout)
	 * @param codec the codec
	 * @param recorder the metrics recorder
	 * @param observer the observer
	 * @return the store; its {@link #door()} is the cache's door
	 * @throws NearCacheUnavailableException if the factory is not Lettuce's, or Redis
	 * answered and cannot track (RESP2 only, {@code CLIENT TRACKING} refused)
	 */
	public static NearCachedStore start(RedisConnectionFactory factory, String keyPrefix, int maxEntries,
			Duration maxAge, Duration commandTimeout, ValueCodec codec, CacheMetricsRecorder recorder,
			CacheObserver observer) {
		NearCache memory = new NearCache(maxEntries, maxAge, recorder, keyPrefix);
		RedisDoor door = new RedisDoor(factory, memory, commandTimeout);
		NearCacheTracking tracking;
		try {
			tracking = NearCacheTracking.start(factory, keyPrefix.isEmpty() ? "" : keyPrefix + ":", memory,
					door.timeout());
		}
		catch (RuntimeException ex) {
			door.close();
			throw ex;
		}
		recorder.bindNearCacheSize(keyPrefix, memory::size);
		return new NearCachedStore(door, codec, recorder, observer, memory, tracking);
	}

	/**
	 * The door this store was built with; the cache sends every command through it.
	 * @return the door
	 */
	public RedisDoor door() {
		return this.door;
	}

	@Override
	protected @Nullable StoredValue inMemory(KeyNamespace namespace, String key) {
		NearEntry entry = this.memory.find(namespace.redisKey(key));
		if (entry != null) {
			this.recorder.recordNearCacheGets(namespace.metricsPrefix(), 1, 0);
		}
		else {
			this.recorder.recordNearCacheGets(namespace.metricsPrefix(), 0, 1);
		}
		return entry;
	}

	@Override
	protected boolean holdsMemory() {
		return true;
	}

	@Override
	protected int inMemory(List<String> redisKeys, @Nullable StoredValue[] found) {
		int hits = 0;
		for (int i = 0; i < found.length; i++) {
			found[i] = this.memory.find(redisKeys.get(i));
			if (found[i] != null) {
				hits++;
			}
		}
		return hits;
	}

	@Override
	protected CompletableFuture<@Nullable StoredValue> fetch(KeyNamespace namespace, String key, boolean withTtl) {
		String redisKey = namespace.redisKey(key);
		return read(redisKey, namespace.rawKey(key)).thenApply((entry) -> entry);
	}

	@Override
	protected CompletableFuture<List<@Nullable StoredValue>> fetchAll(@Nullable List<String> redisKeys,
			List<byte[]> raws) {
		// a store that holds memory is always given the keys as strings
		Objects.requireNonNull(redisKeys, "redisKeys");
		int size = redisKeys.size();
		List<@Nullable CompletableFuture<@Nullable StoredEntry>> reads = new ArrayList<>(
				Collections.nCopies(size, null));
		List<Integer> viaDoor = new ArrayList<>();
		for (int i = 0; i < size; i++) {
			byte[] raw = raws.get(i);
			NearCacheTracking.Node node = this.tracking.nodeFor(raw);
			if (node == null || !node.isUp()) {
				viaDoor.add(i);
			}
			else {
				reads.set(i, readThrough(node, redisKeys.get(i), raw));
			}
		}
		CompletableFuture<List<byte @Nullable []>> others;
		if (viaDoor.isEmpty()) {
			others = CompletableFuture.completedFuture(List.of());
		}
		else {
			byte[][] keys = new byte[viaDoor.size()][];
			for (int i = 0; i < keys.length; i++) {
				keys[i] = raws.get(viaDoor.get(i));
			}
			others = this.door.mGet(keys).whenComplete((read, failure) -> {
				for (int i : viaDoor) {
					this.memory.forget(redisKeys.get(i));
				}
			});
		}
		List<CompletableFuture<?>> all = new ArrayList<>(size + 1);
		all.add(others);
		for (CompletableFuture<@Nullable StoredEntry> read : reads) {
			if (read != null) {
				all.add(read);
			}
		}
		return CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0])).thenApply((done) -> {
			List<byte @Nullable []> fromDoor = others.getNow(List.of());
			List<@Nullable StoredValue> values = new ArrayList<>(Arrays.asList(new StoredValue[size]));
			for (int i = 0; i < size; i++) {
				CompletableFuture<@Nullable StoredEntry> read = reads.get(i);
				if (read != null) {
					values.set(i, read.getNow(null));
				}
			}
			for (int i = 0; i < viaDoor.size() && i < fromDoor.size(); i++) {
				byte[] bytes = fromDoor.get(i);
				values.set(viaDoor.get(i), (bytes != null) ? new StoredEntry(bytes, StoredValue.NO_EXPIRY) : null);
			}
			return values;
		});
	}

	@Override
	public boolean heldInMemory(String redisKey) {
		return this.memory.find(redisKey) != null;
	}

	@Override
	public void clearMemory() {
		this.memory.clear();
	}

	/** Stops tracking and empties the memory; the door is closed by its owner. */
	@Override
	public void close() {
		this.tracking.close();
		this.memory.clear();
	}

	@Override
	public String toString() {
		return "near cache (" + this.memory.size() + " entries)";
	}

	/**
	 * Reads a key that memory did not answer: through its master's tracking connection
	 * (kept when safe), or through the door (not kept) when that master is not tracked
	 * now.
	 */
	private CompletableFuture<@Nullable StoredEntry> read(String redisKey, byte[] raw) {
		NearCacheTracking.Node node = this.tracking.nodeFor(raw);
		if (node == null || !node.isUp()) {
			return viaDoor(redisKey, raw);
		}
		return readThrough(node, redisKey, raw);
	}

	/** Reads a key through the door; its caller will not be served an older value. */
	private CompletableFuture<@Nullable StoredEntry> viaDoor(String redisKey, byte[] raw) {
		return this.door.getWithTtl(raw).whenComplete((entry, failure) -> this.memory.forget(redisKey));
	}

	/**
	 * One read per key in flight: a caller that finds another caller's read of the key on
	 * its way shares its result.
	 */
	private CompletableFuture<@Nullable StoredEntry> readThrough(NearCacheTracking.Node node, String redisKey,
			byte[] raw) {
		// the epoch, then the node still up: tracking lost after the caller found it up
		// and before the epoch was taken would leave this read to be sent again on a new
		// connection, maybe before tracking is on there
		long current = this.memory.epoch();
		long epoch = node.isUp() ? current : Long.MIN_VALUE;
		// another caller's read of the key on its way (every caller missed memory after a
		// write) is shared without the lock
		Object reserved = this.memory.held(redisKey);
		CompletableFuture<@Nullable StoredEntry> reply = null;
		RuntimeException notSent = null;
		long sentAt = 0;
		if (reserved == null) {
			// the placeholder is put and the read handed to Lettuce under the node's send
			// lock, so the reads of a key leave in the order their placeholders were put:
			// else a placeholder invalidated before its read left (its caller descheduled
			// in between) lets another caller put a new one and send a read that
			// overtakes the first on the wire; that one is kept, the overtaken one is
			// answered later with a newer value, and its caller could read the older from
			// memory until the write's invalidation arrives (Redis 6.2 sends it after the
			// replies of its event-loop cycle)
			ReentrantLock sendOrder = node.sendOrder();
			if (!lockToSend(sendOrder)) {
				// a Netty thread (a continuation run where a reply completed) while
				// another caller holds the lock: that caller may wait for this very
				// thread inside Lettuce (a reconnect replaying its queue), so read
				// through the door
				return viaDoor(redisKey, raw);
			}
			try {
				reserved = this.memory.reserve(redisKey);
				if (reserved instanceof NearCache.Owned) {
					sentAt = System.nanoTime();
					try {
						reply = node.read(raw);
					}
					catch (RuntimeException ex) {
						notSent = ex;
					}
				}
			}
			finally {
				sendOrder.unlock();
			}
		}
		if (reserved instanceof NearEntry entry) {
			return CompletableFuture.completedFuture(entry.stored());
		}
		if (reserved instanceof NearCache.Placeholder other) {
			return other.shared();
		}
		NearCache.Placeholder placeholder = ((NearCache.Owned) reserved).placeholder();
		if (reply == null) {
			// Lettuce refused the command (a closed connection): the callers that share
			// the placeholder fail with it, and the key is not left reserved
			RuntimeException failure = Objects.requireNonNull(notSent);
			this.memory.finish(redisKey, placeholder, null, failure, sentAt, epoch);
			return CompletableFuture.failedFuture(failure);
		}
		CompletableFuture<@Nullable StoredEntry> result = new CompletableFuture<>();
		long sent = sentAt;
		reply.whenComplete((entry, failure) -> {
			Throwable cause = unwrap(failure);
			if (cause instanceof NearCacheTracking.NotServedHere) {
				// the slot moved and the tracked node does not serve it: read it where it
				// is, without keeping it
				viaDoor(redisKey, raw).whenComplete((moved, again) -> {
					this.memory.finish(redisKey, placeholder, moved, again, sent, Long.MIN_VALUE);
					complete(result, moved, again);
				});
				return;
			}
			this.memory.finish(redisKey, placeholder, entry, cause, sent, epoch);
			complete(result, entry, cause);
		});
		return result;
	}

	/**
	 * Takes the send lock: waits for it on an application thread, only tries on a Netty
	 * thread (Lettuce's I/O and computation threads), which must never wait for a caller
	 * that may itself wait for a Netty thread inside Lettuce.
	 */
	private static boolean lockToSend(ReentrantLock sendOrder) {
		if (Thread.currentThread() instanceof FastThreadLocalThread) {
			return sendOrder.tryLock();
		}
		sendOrder.lock();
		return true;
	}

	private static void complete(CompletableFuture<@Nullable StoredEntry> result, @Nullable StoredEntry entry,
			@Nullable Throwable failure) {
		if (failure != null) {
			result.completeExceptionally(failure);
		}
		else {
			result.complete(entry);
		}
	}

	private static @Nullable Throwable unwrap(@Nullable Throwable failure) {
		return (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause() : failure;
	}

}
