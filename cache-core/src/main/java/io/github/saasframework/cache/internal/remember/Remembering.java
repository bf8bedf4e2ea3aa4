package io.github.saasframework.cache.internal.remember;

import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

import io.github.saasframework.cache.CacheConfig;
import io.github.saasframework.cache.CacheException;
import io.github.saasframework.cache.CacheMetricsRecorder;
import io.github.saasframework.cache.CacheObserver;
import io.github.saasframework.cache.RememberPolicy;
import io.github.saasframework.cache.internal.Arguments;
import io.github.saasframework.cache.internal.InFlight;
import io.github.saasframework.cache.internal.KeyNamespace;
import io.github.saasframework.cache.internal.StoredValue;
import io.github.saasframework.cache.internal.ThrottledLog;
import io.github.saasframework.cache.internal.TtlPolicy;
import io.github.saasframework.cache.internal.ValueCodec;
import io.github.saasframework.cache.internal.redis.LuaScripts;
import io.github.saasframework.cache.internal.redis.Outages;
import io.github.saasframework.cache.internal.redis.RedisDoor;
import io.github.saasframework.cache.internal.store.ValueStore;
import io.github.saasframework.cache.serializer.CacheSerializationException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.SetCondition;

/**
 * The cache-or-compute path of {@code remember}, and what protects the system behind the
 * cache on a miss:
 * <ul>
 * <li>in-process single-flight: concurrent callers of one key in this JVM share one load
 * ({@link InFlight});</li>
 * <li>cluster-wide single-flight: the loading thread takes a per-key lease
 * ({@code SET <key>.lease token NX PX lease}); other processes poll for the value instead
 * of loading too, take over when the lease runs out, and load themselves once their wait
 * bound has passed;</li>
 * <li>fail-open: when Redis is unreachable or times out ({@link Outages}, the one fault
 * policy), the loader's value is returned without caching, the failure is recorded and
 * logged at most every 30 seconds;</li>
 * <li>null caching: a {@code null} result can be stored as a marker for a short TTL;</li>
 * <li>unreadable entries: an entry that cannot be read as the requested type (written by
 * an older version of a class, or by another writer) is a miss: the loader runs and its
 * value replaces the entry; counted ({@code recordUnreadableEntry}) and logged at most
 * every 30 seconds, naming the key and type, never the value;</li>
 * <li>refresh-ahead (a policy with {@code refreshAfter}): the hit reads the value and its
 * remaining TTL in one script; a hit on an entry older than {@code refreshAfter} answers
 * with it and hands a reload to {@link RefreshAhead}, which takes the same lease as a
 * miss, so one process reloads.</li>
 * </ul>
 * Reads go through the cache's one read path ({@link ValueStore}), so near-cache hits
 * need no Redis command. The hit path is one {@code GET} without {@code refreshAfter},
 * one {@code EVALSHA} with it. The loader always runs on the caller's thread.
 */
public final class Remembering {

	private static final Log logger = LogFactory.getLog(Remembering.class);

	private static final String LEASE_SUFFIX = ".lease";

	private final RedisDoor door;

	private final ValueStore store;

	private final ValueCodec codec;

	private final CacheMetricsRecorder recorder;

	private final CacheObserver observer;

	private final InFlight<Flight, @Nullable Object> loads = new InFlight<>();

	private final RefreshAhead refreshAhead;

	private final CacheConfig.Remember settings;

	private final long leaseMillis;

	private final long waitNanos;

	private final long pollNanos;

	private final ThrottledLog failOpenLog = new ThrottledLog(Remembering.class);

	private final ThrottledLog unreadableLog = new ThrottledLog(Remembering.class);

	private final AsyncRemembering async;

	private final RememberWrites writes;

	/**
	 * The remember path of a root cache.
	 * @param door the door
	 * @param store the read path
	 * @param ttls the TTL rules
	 * @param config the configuration
	 * @param refreshAhead the reload pool
	 * @param loaders where the loaders of the non-blocking {@code remember} are called
	 */
	public Remembering(RedisDoor door, ValueStore store, TtlPolicy ttls, CacheConfig config, RefreshAhead refreshAhead,
			Executor loaders) {
		this.door = door;
		this.store = store;
		this.codec = store.codec();
		this.recorder = config.metricsRecorder();
		this.observer = config.observer();
		this.refreshAhead = refreshAhead;
		this.settings = config.remember();
		this.leaseMillis = TtlPolicy.toMillis(this.settings.loadLease());
		this.waitNanos = this.settings.loadWait().toNanos();
		Duration poll = this.settings.loadWait().dividedBy(20);
		this.pollNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(5),
				Math.min(poll.toNanos(), TimeUnit.MILLISECONDS.toNanos(50)));
		this.writes = new RememberWrites(door, this.codec, ttls, config);
		this.async = new AsyncRemembering(this, door, loaders);
	}

	/**
	 * The non-blocking {@code remember}: the same steps as
	 * {@link #remember(KeyNamespace, String, long, RememberPolicy, Type, Callable)}, each
	 * a future; the loader's stage is composed on, never awaited.
	 * @param <T> the value type
	 * @param namespace the cache's namespace
	 * @param key the unprefixed key
	 * @param ttlMillis the TTL to store with
	 * @param policy the per-call settings
	 * @param type the type to read and store
	 * @param loader called on a miss, on the loader executor
	 * @return the value
	 */
	public <T> CompletableFuture<@Nullable T> rememberAsync(KeyNamespace namespace, String key, long ttlMillis,
			RememberPolicy policy, Type type, Supplier<? extends CompletionStage<T>> loader) {
		return this.async.remember(namespace, key, ttlMillis, policy, type, loader);
	}

	/**
	 * Stores the null marker for a key (a cached {@code null}), with the null TTL.
	 * @param raw the Redis key
	 * @param ifAbsent {@code true} to write only when the key does not exist
	 * @return whether it was written
	 */
	public boolean storeNullMarker(byte[] raw, boolean ifAbsent) {
		return this.writes.storeNullMarker(raw, ifAbsent);
	}

	/**
	 * Whether a policy stores {@code null} results as a marker.
	 * @param policy the policy
	 * @return its own setting, else the cache's
	 */
	public boolean cacheNulls(RememberPolicy policy) {
		return this.writes.cacheNulls(policy);
	}

	/**
	 * The stored value of a key, or the loader's (stored for the next caller).
	 * @param namespace the cache's namespace
	 * @param key the unprefixed key
	 * @param ttlMillis the TTL to store with, or {@code TtlPolicy.PERSISTENT}
	 * @param policy the per-call settings
	 * @param type the type to read and store
	 * @param loader runs on the caller's thread on a miss
	 * @return the value, {@code null} for a cached or loaded null
	 */
	public @Nullable Object remember(KeyNamespace namespace, String key, long ttlMillis, RememberPolicy policy,
			Type type, Callable<?> loader) {
		CacheObserver.Observed observed = this.observer.start(CacheObserver.Operation.REMEMBER,
				namespace.metricsPrefix());
		try {
			return remember(namespace, key, ttlMillis, policy, type, loader, observed);
		}
		catch (RuntimeException | Error ex) {
			observed.error(ex);
			throw ex;
		}
		finally {
			observed.stop();
		}
	}

	private @Nullable Object remember(KeyNamespace namespace, String key, long ttlMillis, RememberPolicy policy,
			Type type, Callable<?> loader, CacheObserver.Observed observed) {
		long refreshMillis = TtlPolicy.toMillis(policy.refreshAfter());
		Object value;
		boolean unreadable = false;
		try {
			if (refreshMillis == 0) {
				// the read tells the observer hit or miss
				value = this.store.read(namespace, key, type, observed);
			}
			else {
				StoredValue found = this.store.find(namespace, key, true);
				observed.result((found != null) ? CacheObserver.Result.HIT : CacheObserver.Result.MISS);
				value = (found != null) ? found.value(key, type, this.codec) : ValueStore.ABSENT;
				if (found != null) {
					refreshIfStale(namespace, key, found, ttlMillis, policy, loader);
				}
			}
		}
		catch (DataAccessException ex) {
			observed.result(CacheObserver.Result.MISS);
			return failOpen(namespace, key, type, loader, ex);
		}
		catch (CacheSerializationException ex) {
			noteUnreadable(namespace, key, ex);
			unreadable = true;
			value = ValueStore.ABSENT;
		}
		if (value != ValueStore.ABSENT) {
			return value;
		}
		Miss miss = new Miss(namespace, key, ttlMillis, policy, type, loader, unreadable);
		return await(join(namespace, key, type, (mine) -> {
			try {
				mine.complete(miss.load());
			}
			catch (RuntimeException | Error ex) {
				mine.completeExceptionally(ex);
			}
			return null;
		}), key);
	}

	/** The load in flight for a key and type in this process, or a new one. */
	CompletableFuture<@Nullable Object> join(KeyNamespace namespace, String key, Type type,
			Function<CompletableFuture<@Nullable Object>, ?> work) {
		return this.loads.join(new Flight(namespace.redisKey(key), type), work);
	}

	/**
	 * Starts one background reload of an entry older than the policy's
	 * {@code refreshAfter} (nothing for a fresh entry, a null marker, or a policy without
	 * refresh-ahead): under the key's load lease, so one process reloads.
	 * @param namespace the cache's namespace
	 * @param key the unprefixed key
	 * @param found the entry, read with its remaining TTL
	 * @param ttlMillis the TTL the entry is written with
	 * @param policy the per-call settings
	 * @param loader the reload, called on a thread of the cache's reload pool
	 */
	public void refreshIfStale(KeyNamespace namespace, String key, StoredValue found, long ttlMillis,
			RememberPolicy policy, Callable<?> loader) {
		long refreshMillis = TtlPolicy.toMillis(policy.refreshAfter());
		if (refreshMillis > 0 && !found.isNullMarker() && found.ageMillis(ttlMillis) >= refreshMillis) {
			this.refreshAhead.request(namespace.redisKey(key), namespace.metricsPrefix(), key,
					() -> reload(namespace, key, ttlMillis, policy, loader));
		}
	}

	/**
	 * The read of a cache lookup that has a way to reload the entry (the Spring cache's
	 * {@code get}): the stored value as {@code type}; with a reloader and a policy with
	 * {@code refreshAfter}, a stale hit also starts one background reload. An entry that
	 * cannot be read as {@code type} is a miss (counted and logged, see the class
	 * description).
	 * @param namespace the cache's namespace
	 * @param key the unprefixed key
	 * @param type the type to read
	 * @param ttlMillis the TTL entries are written with
	 * @param policy the per-call settings
	 * @param reloader the reload of a stale entry, or {@code null} for none
	 * @return the value ({@code null} for a cached null), or {@link ValueStore#ABSENT}
	 */
	public @Nullable Object lookup(KeyNamespace namespace, String key, Type type, long ttlMillis, RememberPolicy policy,
			@Nullable Callable<?> reloader) {
		try {
			if (reloader == null || policy.refreshAfter().isZero()) {
				return this.store.get(namespace, key, type);
			}
			StoredValue found = this.store.find(namespace, key, true);
			if (found == null) {
				return ValueStore.ABSENT;
			}
			Object value = found.value(key, type, this.codec);
			refreshIfStale(namespace, key, found, ttlMillis, policy, reloader);
			return value;
		}
		catch (CacheSerializationException ex) {
			noteUnreadable(namespace, key, ex);
			return ValueStore.ABSENT;
		}
	}

	/**
	 * Counts an entry that could not be read and is answered as a miss, and logs it at
	 * most every 30 seconds (the exception names the key and the type, never the value).
	 * @param namespace the cache's namespace
	 * @param key the unprefixed key
	 * @param failure the codec's failure
	 */
	public void noteUnreadable(KeyNamespace namespace, String key, CacheSerializationException failure) {
		this.recorder.recordUnreadableEntry(namespace.metricsPrefix());
		this.unreadableLog.warn(() -> failure.getMessage() + " (prefix " + Arguments.quote(namespace.prefix())
				+ "); answered as a miss: the value is loaded again and replaces the entry. An entry written by an"
				+ " older shape of the class is replaced this way, one load per key");
	}

	/**
	 * The background reload of a stale entry: under the key's load lease (unless
	 * distributed single-flight is off), and only if the entry is still stale once the
	 * lease is held, since another process may have just refreshed it.
	 * @return whether the loader ran and its result was written
	 */
	private boolean reload(KeyNamespace namespace, String key, long ttlMillis, RememberPolicy policy,
			Callable<?> loader) {
		byte[] raw = namespace.rawKey(key);
		if (!this.settings.distributedSingleFlight()) {
			return reloadNow(namespace, key, raw, ttlMillis, policy, loader);
		}
		byte[] leaseKey = leaseKey(namespace, key);
		byte[] token = RedisDoor.newToken();
		if (!tryLease(leaseKey, token)) {
			return false;
		}
		try {
			long remaining = this.door.await(this.door.pTtl(raw));
			boolean gone = remaining == -2;
			if (!gone && StoredValue.ageMillis(remaining, ttlMillis) < TtlPolicy.toMillis(policy.refreshAfter())) {
				return false;
			}
			return reloadNow(namespace, key, raw, ttlMillis, policy, loader);
		}
		finally {
			releaseLease(key, leaseKey, token);
		}
	}

	private boolean reloadNow(KeyNamespace namespace, String key, byte[] raw, long ttlMillis, RememberPolicy policy,
			Callable<?> loader) {
		this.recorder.recordRefreshStarted(namespace.metricsPrefix());
		Object value = callLoader(namespace.metricsPrefix(), key, loader);
		if (!store(namespace, key, raw, ttlMillis, policy, value)) {
			// the loader no longer gives a value to keep: do not serve the old one until
			// it expires
			this.door.await(this.door.unlink(raw));
		}
		return true;
	}

	/**
	 * Writes a loaded result (or the null marker) with a fresh TTL.
	 * @return whether anything was written
	 */
	private boolean store(KeyNamespace namespace, String key, byte[] raw, long ttlMillis, RememberPolicy policy,
			@Nullable Object result) {
		return this.door.await(this.writes.write(namespace, key, raw, ttlMillis, policy, result));
	}

	/**
	 * Writes a loaded result (or the null marker, when the policy stores nulls) with a
	 * fresh TTL, without blocking: what {@code remember} stores after a load, also used
	 * by writers that must not wait for Redis (Spring's cache on asynchronous methods).
	 * @param namespace the cache's namespace
	 * @param key the unprefixed key
	 * @param raw the Redis key
	 * @param ttlMillis the TTL to store with, or {@code TtlPolicy.PERSISTENT}
	 * @param policy the per-call settings
	 * @param result the value, or {@code null}
	 * @return whether anything was written, within about the command timeout
	 */
	public CompletableFuture<Boolean> storeAsync(KeyNamespace namespace, String key, byte[] raw, long ttlMillis,
			RememberPolicy policy, @Nullable Object result) {
		return this.door.bounded(this.writes.write(namespace, key, raw, ttlMillis, policy, result));
	}

	/** Releases a load lease without waiting; it expires by itself if this fails. */
	void releaseLeaseQuietly(String key, byte[] leaseKey, byte[] token) {
		this.door.eval(LuaScripts.LOCK_RELEASE, leaseKey, token).whenComplete((released, failure) -> {
			if (failure != null) {
				logger.debug("Could not release the load lease of key " + Arguments.quote(key), failure);
			}
		});
	}

	CacheObserver observer() {
		return this.observer;
	}

	CacheMetricsRecorder recorder() {
		return this.recorder;
	}

	ValueStore store() {
		return this.store;
	}

	ValueCodec codec() {
		return this.codec;
	}

	boolean distributed() {
		return this.settings.distributedSingleFlight();
	}

	long waitNanos() {
		return this.waitNanos;
	}

	long pollNanos() {
		return this.pollNanos;
	}

	long leaseMillis() {
		return this.leaseMillis;
	}

	/**
	 * Waits for a loader's stage on a thread of the library's own (a refresh-ahead
	 * reload), never on a caller's.
	 */
	static @Nullable Object awaitStage(CompletionStage<?> stage, String key) {
		return await(stage.toCompletableFuture().thenApply((value) -> (Object) value), key);
	}

	static byte[] leaseKey(KeyNamespace namespace, String key) {
		return (namespace.redisKey(key) + LEASE_SUFFIX).getBytes(StandardCharsets.UTF_8);
	}

	private boolean tryLease(byte[] leaseKey, byte[] token) {
		return RedisDoor
			.isWritten(this.door.await(this.door.set(leaseKey, token, this.leaseMillis, SetCondition.ifAbsent())));
	}

	private void releaseLease(String key, byte[] leaseKey, byte[] token) {
		try {
			this.door.await(this.door.eval(LuaScripts.LOCK_RELEASE, leaseKey, token));
		}
		catch (DataAccessException ex) {
			// the lease expires by itself; the value (or the failure) is what matters
			// here
			logger.debug("Could not release the load lease of key " + Arguments.quote(key), ex);
		}
	}

	private @Nullable Object failOpen(KeyNamespace namespace, String key, Type type, Callable<?> loader,
			DataAccessException failure) {
		if (!canFailOpen(failure)) {
			throw failure;
		}
		noteFailOpen(namespace, key, failure);
		CompletableFuture<@Nullable Object> shared = join(namespace, key, type, (mine) -> {
			try {
				mine.complete(callLoader(namespace.metricsPrefix(), key, loader));
			}
			catch (RuntimeException | Error ex) {
				mine.completeExceptionally(ex);
			}
			return null;
		});
		return await(shared, key);
	}

	/**
	 * Whether a failure may be answered from the loader: only an outage, and only when
	 * fail-open is on; an error reply (WRONGTYPE, NOPERM, OOM) is a bug or a
	 * configuration problem to report, not something to hide by running the loader on
	 * every call.
	 * @param failure the Redis failure
	 * @return {@code true} to answer without Redis
	 */
	public boolean canFailOpen(Throwable failure) {
		return this.settings.failOpen() && Outages.isOutage(failure);
	}

	/**
	 * Counts a call answered without Redis and logs it at most every 30 seconds.
	 * @param namespace the cache's namespace
	 * @param key the unprefixed key
	 * @param failure the Redis failure
	 */
	public void noteFailOpen(KeyNamespace namespace, String key, Throwable failure) {
		this.recorder.recordFailOpen(namespace.metricsPrefix(), failure);
		this.failOpenLog.warn(() -> "Redis failed during remember of key " + Arguments.quote(key) + " (prefix "
				+ Arguments.quote(namespace.prefix())
				+ "); answering from the loader without caching (fail-open). Reason: " + Outages.describe(failure));
	}

	private @Nullable Object callLoader(String prefix, String key, Callable<?> loader) {
		long start = System.nanoTime();
		boolean success = false;
		try {
			Object value = loader.call();
			success = true;
			return value;
		}
		catch (RuntimeException | Error ex) {
			throw ex;
		}
		catch (Exception ex) {
			throw new CacheException("Loader for key " + Arguments.quote(key) + " failed: " + ex, ex);
		}
		finally {
			this.recorder.recordLoad(prefix, success, System.nanoTime() - start);
		}
	}

	/**
	 * The outcome of a load another thread of this process runs (or this one ran): its
	 * value, or its exception unchanged.
	 */
	private static @Nullable Object await(CompletableFuture<@Nullable Object> load, String key) {
		try {
			return load.get();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new CacheException("Interrupted while waiting for another thread to load key " + Arguments.quote(key),
					ex);
		}
		catch (ExecutionException ex) {
			Throwable cause = ex.getCause();
			if (cause instanceof CompletionException && cause.getCause() != null) {
				cause = cause.getCause();
			}
			if (cause instanceof RuntimeException runtime) {
				throw runtime;
			}
			if (cause instanceof Error error) {
				throw error;
			}
			throw new CacheException("Loading key " + Arguments.quote(key) + " failed", cause);
		}
	}

	/** Loads are shared per Redis key and requested type. */
	private record Flight(String redisKey, Type type) {
	}

	/**
	 * One miss, run by the single thread of this process that loads the key.
	 */
	private final class Miss {

		private final KeyNamespace namespace;

		private final String key;

		private final byte[] raw;

		private final long ttlMillis;

		private final RememberPolicy policy;

		private final Type type;

		private final Callable<?> loader;

		private boolean loaded;

		private @Nullable Object value;

		/** Whether the key holds an entry that cannot be read as the type. */
		private boolean unreadable;

		/**
		 * Whether the loader threw: its exception is the caller's, never a Redis outage
		 * to answer by running the loader again (a loader's own database may throw a
		 * {@code QueryTimeoutException} too).
		 */
		private boolean loaderFailed;

		Miss(KeyNamespace namespace, String key, long ttlMillis, RememberPolicy policy, Type type, Callable<?> loader,
				boolean unreadable) {
			this.unreadable = unreadable;
			this.namespace = namespace;
			this.key = key;
			this.raw = namespace.rawKey(key);
			this.ttlMillis = ttlMillis;
			this.policy = policy;
			this.type = type;
			this.loader = loader;
		}

		@Nullable Object load() {
			try {
				return Remembering.this.settings.distributedSingleFlight() ? loadUnderLease() : loadLocally();
			}
			catch (DataAccessException ex) {
				if (this.loaderFailed || !canFailOpen(ex)) {
					throw ex;
				}
				noteFailOpen(this.namespace, this.key, ex);
				return this.loaded ? this.value : callLoader(this.namespace.metricsPrefix(), this.key, this.loader);
			}
		}

		private @Nullable Object loadLocally() {
			// a thread that finished loading this key just before we joined may have
			// stored it
			Object stored = stored();
			return (stored != ValueStore.ABSENT) ? stored : loadAndStore();
		}

		private @Nullable Object loadUnderLease() {
			byte[] leaseKey = leaseKey(this.namespace, this.key);
			byte[] token = RedisDoor.newToken();
			long deadline = System.nanoTime() + Remembering.this.waitNanos;
			while (true) {
				if (tryLease(leaseKey, token)) {
					try {
						return loadLocally();
					}
					finally {
						releaseLease(this.key, leaseKey, token);
					}
				}
				if (System.nanoTime() - deadline >= 0) {
					// waited long enough for another process: load, never wait past the
					// bound
					return loadAndStore();
				}
				pause();
				Object stored = stored();
				if (stored != ValueStore.ABSENT) {
					return stored;
				}
			}
		}

		/**
		 * The value in Redis now (not counted as a get: the miss was counted); an entry
		 * that cannot be read is none, to be replaced.
		 */
		private @Nullable Object stored() {
			byte[] bytes = Remembering.this.door.await(Remembering.this.door.get(this.raw));
			if (bytes == null) {
				return ValueStore.ABSENT;
			}
			try {
				return Remembering.this.codec.decode(this.key, bytes, this.type);
			}
			catch (CacheSerializationException ex) {
				this.unreadable = true;
				return ValueStore.ABSENT;
			}
		}

		private @Nullable Object loadAndStore() {
			try {
				this.value = callLoader(this.namespace.metricsPrefix(), this.key, this.loader);
			}
			catch (RuntimeException | Error ex) {
				this.loaderFailed = true;
				throw ex;
			}
			this.loaded = true;
			if (!store(this.namespace, this.key, this.raw, this.ttlMillis, this.policy, this.value)
					&& this.unreadable) {
				// nothing replaces the unreadable entry: remove it rather than read it
				// again on every call
				Remembering.this.door.await(Remembering.this.door.unlink(this.raw));
			}
			return this.value;
		}

		private void pause() {
			long base = Remembering.this.pollNanos;
			try {
				TimeUnit.NANOSECONDS.sleep(base / 2 + ThreadLocalRandom.current().nextLong(base));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new CacheException(
						"Interrupted while waiting for another process to load key " + Arguments.quote(this.key), ex);
			}
		}

	}

}
