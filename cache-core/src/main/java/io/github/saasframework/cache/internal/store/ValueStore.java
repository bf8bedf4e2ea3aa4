package io.github.saasframework.cache.internal.store;

import java.lang.reflect.Type;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import io.github.saasframework.cache.CacheMetricsRecorder;
import io.github.saasframework.cache.CacheObserver;
import io.github.saasframework.cache.internal.KeyNamespace;
import io.github.saasframework.cache.internal.StoredValue;
import io.github.saasframework.cache.internal.ValueCodec;
import io.github.saasframework.cache.internal.redis.RedisDoor;
import io.github.saasframework.cache.internal.redis.StoredEntry;
import org.jspecify.annotations.Nullable;

/**
 * The one read path of a cache, chosen once when the root cache is built:
 * {@link #redisOnly Redis only}, or near-cached (the near cache's subclass). Every read
 * of a value by a key goes through it ({@code get}, {@code getAll}, {@code remember}, the
 * Spring cache's lookups, blocking and non-blocking alike), and so does the accounting of
 * hits and misses ({@link CacheMetricsRecorder#recordGets}, near-cache gets) and the
 * observation of {@code get}. The invalidation of this process's own writes is the near
 * cache's, told by the {@link RedisDoor} of every key a command writes. Thread-safe.
 */
public abstract class ValueStore {

	/** What {@link #get} answers for a key that does not exist. */
	public static final Object ABSENT = new Object();

	/** How many keys one command of a large {@code getAll} reads. */
	static final int PART = 128;

	protected final RedisDoor door;

	protected final ValueCodec codec;

	protected final CacheMetricsRecorder recorder;

	protected final CacheObserver observer;

	protected ValueStore(RedisDoor door, ValueCodec codec, CacheMetricsRecorder recorder, CacheObserver observer) {
		this.door = door;
		this.codec = codec;
		this.recorder = recorder;
		this.observer = observer;
	}

	/**
	 * The read path without a near cache.
	 * @param door the door
	 * @param codec the codec
	 * @param recorder the metrics recorder
	 * @param observer the observer
	 * @return the store
	 */
	public static ValueStore redisOnly(RedisDoor door, ValueCodec codec, CacheMetricsRecorder recorder,
			CacheObserver observer) {
		return new RedisOnly(door, codec, recorder, observer);
	}

	/**
	 * The codec values are read with.
	 * @return the codec
	 */
	public ValueCodec codec() {
		return this.codec;
	}

	// ---------------------------------------------------------------- one key

	/**
	 * Reads a key as {@code type}, observed as a {@code get}, blocking.
	 * @param namespace the cache's namespace
	 * @param key the unprefixed key
	 * @param type the type
	 * @return the value ({@code null} for a stored null), or {@link #ABSENT}
	 */
	public final @Nullable Object get(KeyNamespace namespace, String key, Type type) {
		CacheObserver.Observed observed = this.observer.start(CacheObserver.Operation.GET, namespace.metricsPrefix());
		try {
			return read(namespace, key, type, observed);
		}
		catch (RuntimeException | Error ex) {
			observed.error(ex);
			throw ex;
		}
		finally {
			observed.stop();
		}
	}

	/**
	 * Reads a key as {@code type}, blocking, and counts the hit or miss (not observed:
	 * {@code remember} observes itself).
	 * @param namespace the cache's namespace
	 * @param key the unprefixed key
	 * @param type the type
	 * @return the value ({@code null} for a stored null), or {@link #ABSENT}
	 */
	public final @Nullable Object read(KeyNamespace namespace, String key, Type type) {
		return read(namespace, key, type, CacheObserver.Observed.NONE);
	}

	/**
	 * Reads a key, telling the observer whether it was found before it is decoded (a
	 * value that cannot be read is an error after the hit).
	 * @param namespace the cache's namespace
	 * @param key the unprefixed key
	 * @param type the type
	 * @param observed the running observation
	 * @return the value ({@code null} for a stored null), or {@link #ABSENT}
	 */
	public @Nullable Object read(KeyNamespace namespace, String key, Type type, CacheObserver.Observed observed) {
		StoredValue found = find(namespace, key, false);
		observed.result((found != null) ? CacheObserver.Result.HIT : CacheObserver.Result.MISS);
		return (found != null) ? found.value(key, type, this.codec) : ABSENT;
	}

	/**
	 * Reads a key as {@code type}, observed as a {@code get}, without blocking, and
	 * finishes the result in the same step (one stage per call: the non-blocking hot
	 * path).
	 * @param <R> the result type
	 * @param namespace the cache's namespace
	 * @param key the unprefixed key
	 * @param type the type
	 * @param finish turns the value ({@code null} for a stored null, or {@link #ABSENT})
	 * into the result
	 * @return the result; failures are the {@code DataAccessException}s the blocking read
	 * throws
	 */
	public final <R> CompletableFuture<R> getAsync(KeyNamespace namespace, String key, Type type,
			Function<@Nullable Object, R> finish) {
		CacheObserver.Observed observed = this.observer.start(CacheObserver.Operation.GET, namespace.metricsPrefix());
		try {
			StoredValue found = inMemory(namespace, key);
			if (found != null) {
				counted(namespace.metricsPrefix(), found);
				R result = finish.apply(decode(key, type, found, observed));
				observed.stop();
				return CompletableFuture.completedFuture(result);
			}
			return readAsync(namespace, key, type, observed, finish);
		}
		catch (RuntimeException ex) {
			observed.error(ex);
			observed.stop();
			return CompletableFuture.failedFuture(ex);
		}
	}

	/**
	 * Reads a key memory did not answer from Redis, finishing and observing in the one
	 * stage that also counts and translates.
	 */
	protected <R> CompletableFuture<R> readAsync(KeyNamespace namespace, String key, Type type,
			CacheObserver.Observed observed, Function<@Nullable Object, R> finish) {
		String prefix = namespace.metricsPrefix();
		return this.door.bounded(fetch(namespace, key, false)).handle((found, failure) -> {
			if (failure != null) {
				RuntimeException translated = this.door.translate(failure);
				observed.error(translated);
				observed.stop();
				throw translated;
			}
			counted(prefix, found);
			return finished(key, type, found, observed, finish);
		});
	}

	/** Decodes, finishes and ends the observation; a decoding failure is the call's. */
	protected final <R> R finished(String key, Type type, @Nullable StoredValue found, CacheObserver.Observed observed,
			Function<@Nullable Object, R> finish) {
		try {
			R result = finish.apply((found != null) ? decode(key, type, found, observed) : missed(observed));
			observed.stop();
			return result;
		}
		catch (RuntimeException ex) {
			observed.error(ex);
			observed.stop();
			throw ex;
		}
	}

	private @Nullable Object decode(String key, Type type, StoredValue found, CacheObserver.Observed observed) {
		observed.result(CacheObserver.Result.HIT);
		return found.value(key, type, this.codec);
	}

	private static Object missed(CacheObserver.Observed observed) {
		observed.result(CacheObserver.Result.MISS);
		return ABSENT;
	}

	/**
	 * Finds a key's stored value, blocking, and counts the hit or miss.
	 * @param namespace the cache's namespace
	 * @param key the unprefixed key
	 * @param withTtl whether the remaining TTL is needed (refresh-ahead)
	 * @return the stored value, or {@code null} when the key does not exist
	 */
	public final @Nullable StoredValue find(KeyNamespace namespace, String key, boolean withTtl) {
		String prefix = namespace.metricsPrefix();
		StoredValue found = inMemory(namespace, key);
		if (found == null) {
			found = this.door.await(fetch(namespace, key, withTtl));
		}
		counted(prefix, found);
		return found;
	}

	/**
	 * Finds a key's stored value without blocking, and counts the hit or miss; a value in
	 * memory completes at once.
	 * @param namespace the cache's namespace
	 * @param key the unprefixed key
	 * @param withTtl whether the remaining TTL is needed
	 * @return the stored value, or {@code null} in the future when the key does not exist
	 */
	public final CompletableFuture<@Nullable StoredValue> findAsync(KeyNamespace namespace, String key,
			boolean withTtl) {
		String prefix = namespace.metricsPrefix();
		StoredValue found = inMemory(namespace, key);
		if (found != null) {
			counted(prefix, found);
			return CompletableFuture.completedFuture(found);
		}
		return this.door.bounded(fetch(namespace, key, withTtl)).handle((read, failure) -> {
			if (failure != null) {
				throw this.door.translate(failure);
			}
			counted(prefix, read);
			return read;
		});
	}

	// ---------------------------------------------------------------- several keys

	/**
	 * Reads keys as {@code type}, blocking: one round trip per node for what memory does
	 * not answer.
	 * @param <T> the type
	 * @param namespace the cache's namespace
	 * @param keys the unprefixed keys
	 * @param type the type
	 * @return the values found, in the order of the keys; missing keys and stored nulls
	 * absent
	 */
	public final <T> Map<String, T> getAll(KeyNamespace namespace, Collection<String> keys, Type type) {
		Batch batch = batch(namespace, keys);
		if (batch.toReadRaw.isEmpty()) {
			return batch.result(keys, List.of(), type);
		}
		return batch.result(keys, readInParts(batch.toRead, batch.toReadRaw), type);
	}

	/**
	 * The keys memory did not answer, read in parts of {@link #PART} keys sent at once:
	 * the caller decodes each part's values while Redis and the connection still work on
	 * the next ones, instead of waiting for all and then decoding all. Not on a cluster:
	 * there Lettuce already sends one {@code MGET} per slot, and a part boundary would
	 * split a slot's keys into two commands.
	 */
	private List<@Nullable StoredValue> readInParts(@Nullable List<String> redisKeys, List<byte[]> raws) {
		int size = raws.size();
		if (size <= PART || this.door.isCluster()) {
			return this.door.await(fetchAll(redisKeys, raws));
		}
		List<CompletableFuture<List<@Nullable StoredValue>>> parts = new ArrayList<>((size + PART - 1) / PART);
		for (int from = 0; from < size; from += PART) {
			int to = Math.min(size, from + PART);
			parts.add(fetchAll((redisKeys != null) ? redisKeys.subList(from, to) : null, raws.subList(from, to)));
		}
		return new AbstractList<>() {

			@Override
			public @Nullable StoredValue get(int index) {
				return ValueStore.this.door.await(parts.get(index / PART)).get(index % PART);
			}

			@Override
			public int size() {
				return size;
			}

		};
	}

	/**
	 * As {@link #getAll}, without blocking.
	 * @param <T> the type
	 * @param namespace the cache's namespace
	 * @param keys the unprefixed keys
	 * @param type the type
	 * @return the values found
	 */
	public final <T> CompletableFuture<Map<String, T>> getAllAsync(KeyNamespace namespace, Collection<String> keys,
			Type type) {
		Batch batch = batch(namespace, keys);
		if (batch.toReadRaw.isEmpty()) {
			return CompletableFuture.completedFuture(batch.result(keys, List.of(), type));
		}
		return this.door.bounded(fetchAll(batch.toRead, batch.toReadRaw)).handle((values, failure) -> {
			if (failure != null) {
				throw this.door.translate(failure);
			}
			return batch.result(keys, values, type);
		});
	}

	// ---------------------------------------------------------------- what the two paths
	// do differently

	/**
	 * A value this process holds in memory for the key, counted as a near hit or miss.
	 * @param namespace the cache's namespace
	 * @param key the unprefixed key
	 * @return the value, or {@code null} (always, without a near cache)
	 */
	protected abstract @Nullable StoredValue inMemory(KeyNamespace namespace, String key);

	/**
	 * Reads a key from Redis (and keeps it in memory where that is safe).
	 * @param namespace the cache's namespace
	 * @param key the unprefixed key
	 * @param withTtl whether the remaining TTL is needed
	 * @return the value, or {@code null} in the future
	 */
	protected abstract CompletableFuture<@Nullable StoredValue> fetch(KeyNamespace namespace, String key,
			boolean withTtl);

	/**
	 * Reads keys that memory did not answer from Redis, one round trip per node.
	 * @param redisKeys the full keys, {@code null} where this store holds nothing in
	 * memory (see {@link #holdsMemory()})
	 * @param raws their bytes
	 * @return the values in order, {@code null} for a missing key
	 */
	protected abstract CompletableFuture<List<@Nullable StoredValue>> fetchAll(@Nullable List<String> redisKeys,
			List<byte[]> raws);

	/**
	 * Whether this store holds values in memory: only then does a read of many keys need
	 * them as strings ({@link #inMemory(List, StoredValue[])} and {@link #fetchAll}); a
	 * store without builds only their bytes.
	 * @return {@code true} for a near cache
	 */
	protected abstract boolean holdsMemory();

	/**
	 * Looks every key up in memory.
	 * @param redisKeys the full keys
	 * @param found where to put what memory holds, by index
	 * @return how many were found
	 */
	protected abstract int inMemory(List<String> redisKeys, @Nullable StoredValue[] found);

	/**
	 * The number of near-cache entries (for tests).
	 * @param redisKey the key
	 * @return whether memory holds the key
	 */
	public boolean heldInMemory(String redisKey) {
		return false;
	}

	/** Forgets everything held in memory (this process deleted keys by pattern). */
	public void clearMemory() {
	}

	private void counted(String prefix, @Nullable StoredValue found) {
		if (found != null) {
			this.recorder.recordGets(prefix, 1, 0);
		}
		else {
			this.recorder.recordGets(prefix, 0, 1);
		}
	}

	private Batch batch(KeyNamespace namespace, Collection<String> keys) {
		int size = keys.size();
		StoredValue[] found = new StoredValue[size];
		if (!holdsMemory()) {
			// nothing in memory: the keys' bytes are all a read needs
			List<byte[]> toReadRaw = new ArrayList<>(size);
			for (String key : keys) {
				toReadRaw.add(namespace.rawKey(key));
			}
			return new Batch(namespace.metricsPrefix(), found, null, toReadRaw);
		}
		List<String> redisKeys = new ArrayList<>(size);
		for (String key : keys) {
			redisKeys.add(namespace.redisKey(key));
		}
		int inMemory = inMemory(redisKeys, found);
		List<String> toRead = new ArrayList<>(size - inMemory);
		List<byte[]> toReadRaw = new ArrayList<>(size - inMemory);
		int i = 0;
		for (String key : keys) {
			if (found[i] == null) {
				toRead.add(redisKeys.get(i));
				toReadRaw.add(namespace.rawKey(key));
			}
			i++;
		}
		return new Batch(namespace.metricsPrefix(), found, toRead, toReadRaw);
	}

	private static Throwable unwrap(Throwable failure) {
		return (failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null)
				? failure.getCause() : failure;
	}

	/** One {@code getAll}: what memory answered and what is read from Redis. */
	private final class Batch {

		private final String prefix;

		private final @Nullable StoredValue[] found;

		/**
		 * The Redis keys to read, {@code null} where the store holds nothing in memory.
		 */
		final @Nullable List<String> toRead;

		final List<byte[]> toReadRaw;

		Batch(String prefix, @Nullable StoredValue[] found, @Nullable List<String> toRead, List<byte[]> toReadRaw) {
			this.prefix = prefix;
			this.found = found;
			this.toRead = toRead;
			this.toReadRaw = toReadRaw;
		}

		@SuppressWarnings("unchecked")
		<T> Map<String, T> result(Collection<String> keys, List<@Nullable StoredValue> read, Type type) {
			// sized for every key: no rehashing while a large batch fills it
			Map<String, T> result = new LinkedHashMap<>((int) (keys.size() / 0.75f) + 1);
			int i = 0;
			int next = 0;
			int hits = 0;
			for (String key : keys) {
				StoredValue value = this.found[i++];
				if (value == null) {
					value = (next < read.size()) ? read.get(next) : null;
					next++;
				}
				if (value == null) {
					continue;
				}
				hits++;
				Object decoded = value.value(key, type, ValueStore.this.codec);
				if (decoded != null) {
					result.put(key, (T) decoded);
				}
			}
			ValueStore.this.recorder.recordGets(this.prefix, hits, keys.size() - hits);
			return result;
		}

	}

	/** Redis only: every read is a command. */
	private static final class RedisOnly extends ValueStore {

		RedisOnly(RedisDoor door, ValueCodec codec, CacheMetricsRecorder recorder, CacheObserver observer) {
			super(door, codec, recorder, observer);
		}

		@Override
		public @Nullable Object read(KeyNamespace namespace, String key, Type type, CacheObserver.Observed observed) {
			// the hot path: the command's own future, no stage and no entry object
			byte[] bytes = this.door.await(this.door.get(namespace.rawKey(key)));
			if (bytes == null) {
				this.recorder.recordGets(namespace.metricsPrefix(), 0, 1);
				observed.result(CacheObserver.Result.MISS);
				return ABSENT;
			}
			this.recorder.recordGets(namespace.metricsPrefix(), 1, 0);
			observed.result(CacheObserver.Result.HIT);
			return this.codec.decode(key, bytes, type);
		}

		@Override
		protected <R> CompletableFuture<R> readAsync(KeyNamespace namespace, String key, Type type,
				CacheObserver.Observed observed, Function<@Nullable Object, R> finish) {
			// the non-blocking hot path: one stage on the command's own future
			String prefix = namespace.metricsPrefix();
			return this.door.bounded(this.door.get(namespace.rawKey(key))).handle((bytes, failure) -> {
				if (failure != null) {
					RuntimeException translated = this.door.translate(failure);
					observed.error(translated);
					observed.stop();
					throw translated;
				}
				if (bytes == null) {
					this.recorder.recordGets(prefix, 0, 1);
					return finished(key, type, null, observed, finish);
				}
				this.recorder.recordGets(prefix, 1, 0);
				try {
					observed.result(CacheObserver.Result.HIT);
					R result = finish.apply(this.codec.decode(key, bytes, type));
					observed.stop();
					return result;
				}
				catch (RuntimeException ex) {
					observed.error(ex);
					observed.stop();
					throw ex;
				}
			});
		}

		@Override
		protected @Nullable StoredValue inMemory(KeyNamespace namespace, String key) {
			return null;
		}

		@Override
		protected int inMemory(List<String> redisKeys, @Nullable StoredValue[] found) {
			return 0;
		}

		@Override
		protected boolean holdsMemory() {
			return false;
		}

		@Override
		protected CompletableFuture<@Nullable StoredValue> fetch(KeyNamespace namespace, String key, boolean withTtl) {
			byte[] raw = namespace.rawKey(key);
			if (withTtl) {
				return this.door.getWithTtl(raw).thenApply((entry) -> entry);
			}
			return this.door.get(raw)
				.thenApply((bytes) -> (bytes != null) ? new StoredEntry(bytes, StoredValue.NO_EXPIRY) : null);
		}

		@Override
		protected CompletableFuture<List<@Nullable StoredValue>> fetchAll(@Nullable List<String> redisKeys,
				List<byte[]> raws) {
			return this.door.mGet(raws.toArray(new byte[0][])).thenApply((values) -> {
				List<@Nullable StoredValue> found = new ArrayList<>(values.size());
				for (byte[] bytes : values) {
					found.add((bytes != null) ? new StoredEntry(bytes, StoredValue.NO_EXPIRY) : null);
				}
				return found;
			});
		}

	}

}
