package io.github.saasframework.cache;

import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.SetCondition;

/**
 * The cache-or-compute path of {@code remember}, and what protects the system behind the
 * cache on a miss:
 * <ul>
 * <li>in-process single-flight: concurrent callers of one key in this JVM share one
 * load;</li>
 * <li>cluster-wide single-flight: the loading thread takes a per-key lease
 * ({@code SET <key>.lease token NX PX lease}); other processes poll for the value instead
 * of loading too, take over when the lease runs out, and load themselves once their wait
 * bound has passed;</li>
 * <li>fail-open: when Redis is unreachable or times out, the loader's value is returned
 * without caching, the failure is recorded and logged at most every 30 seconds;</li>
 * <li>null caching: a {@code null} result can be stored as a marker for a short TTL.</li>
 * <li>refresh-ahead (a policy with {@code refreshAfter}): the hit reads the value and its
 * remaining TTL in one script; a hit on an entry older than {@code refreshAfter} answers
 * with it and hands a reload to {@link RefreshAhead}, which takes the same lease as a
 * miss, so one process reloads.</li>
 * </ul>
 * The hit path is one {@code GET} without {@code refreshAfter}, one {@code EVALSHA} with
 * it.
 */
final class Remembering {

	private static final Log logger = LogFactory.getLog(RedisCache.class);

	private static final String LEASE_SUFFIX = ".lease";

	private static final long FAIL_OPEN_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(30);

	private final RedisCalls redis;

	private final ValueCodec codec;

	private final TtlPolicy ttls;

	private final CacheMetricsRecorder recorder;

	private final CacheObserver observer;

	private final SingleFlight singleFlight;

	private final RefreshAhead refreshAhead;

	private final CacheOptions options;

	private final NearCache near;

	private final long leaseMillis;

	private final long waitNanos;

	private final long pollNanos;

	private final long nullTtlMillis;

	private final AtomicLong lastFailOpenLog = new AtomicLong(System.nanoTime() - FAIL_OPEN_LOG_INTERVAL_NANOS);

	Remembering(RedisCalls redis, ValueCodec codec, TtlPolicy ttls, CacheOptions options, RefreshAhead refreshAhead,
			NearCache near) {
		this.near = near;
		this.redis = redis;
		this.codec = codec;
		this.ttls = ttls;
		this.recorder = options.metricsRecorder();
		this.observer = options.observer();
		this.singleFlight = new SingleFlight();
		this.refreshAhead = refreshAhead;
		this.options = options;
		this.leaseMillis = TtlPolicy.toMillis(options.loadLease());
		this.waitNanos = options.loadWait().toNanos();
		Duration poll = options.loadWait().dividedBy(20);
		this.pollNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(5),
				Math.min(poll.toNanos(), TimeUnit.MILLISECONDS.toNanos(50)));
		this.nullTtlMillis = TtlPolicy.toMillis(options.nullTtl());
	}

	long nullTtlMillis() {
		return this.nullTtlMillis;
	}

	@Nullable Object remember(KeyNamespace namespace, String key, long ttlMillis, RememberPolicy policy, Type type,
			Callable<?> loader) {
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
		String redisKey = namespace.redisKey(key);
		long refreshMillis = TtlPolicy.toMillis(policy.refreshAfter());
		if (this.near.isOn()) {
			NearCache.Entry entry = this.near.find(redisKey);
			if (entry != null) {
				this.recorder.recordNearCacheGets(namespace.metricsPrefix(), 1, 0);
				this.recorder.recordGets(namespace.metricsPrefix(), 1, 0);
				observed.result(CacheObserver.Result.HIT);
				Object value = entry.value(key, type, this.codec);
				if (refreshMillis > 0 && !entry.isNullMarker()
						&& StoredEntry.ageMillis(entry.remainingMillis(), ttlMillis) >= refreshMillis) {
					requestRefresh(namespace, key, KeyNamespace.bytes(redisKey), ttlMillis, policy, loader);
				}
				return value;
			}
			this.recorder.recordNearCacheGets(namespace.metricsPrefix(), 0, 1);
		}
		byte[] raw = KeyNamespace.bytes(redisKey);
		byte[] cached;
		try {
			if (refreshMillis == 0 && !this.near.isOn()) {
				cached = get(raw);
			}
			else {
				StoredEntry entry = this.near.isOn() ? this.near.fetch(redisKey, raw) : this.redis.getWithTtl(raw);
				cached = (entry != null) ? entry.value() : null;
				if (refreshMillis > 0 && entry != null && !ValueCodec.isNullMarker(cached)
						&& entry.ageMillis(ttlMillis) >= refreshMillis) {
					Object value = hit(namespace, key, cached, type, observed);
					requestRefresh(namespace, key, raw, ttlMillis, policy, loader);
					return value;
				}
			}
		}
		catch (DataAccessException ex) {
			observed.result(CacheObserver.Result.MISS);
			return failOpen(namespace, key, type, loader, ex);
		}
		if (cached != null) {
			return hit(namespace, key, cached, type, observed);
		}
		this.recorder.recordGets(namespace.metricsPrefix(), 0, 1);
		observed.result(CacheObserver.Result.MISS);
		return this.singleFlight.run(namespace.redisKey(key), type,
				() -> new Miss(namespace, key, raw, ttlMillis, policy, type, loader).load());
	}

	private void requestRefresh(KeyNamespace namespace, String key, byte[] raw, long ttlMillis, RememberPolicy policy,
			Callable<?> loader) {
		this.refreshAhead.request(namespace.redisKey(key), namespace.metricsPrefix(), key,
				() -> reload(namespace, key, raw, ttlMillis, policy, loader));
	}

	private @Nullable Object hit(KeyNamespace namespace, String key, byte[] cached, Type type,
			CacheObserver.Observed observed) {
		this.recorder.recordGets(namespace.metricsPrefix(), 1, 0);
		observed.result(CacheObserver.Result.HIT);
		return this.codec.decode(key, cached, type);
	}

	/**
	 * The background reload of a stale entry: under the key's load lease (unless
	 * distributed single-flight is off), and only if the entry is still stale once the
	 * lease is held, since another process may have just refreshed it.
	 * @return whether the loader ran and its result was written
	 */
	private boolean reload(KeyNamespace namespace, String key, byte[] raw, long ttlMillis, RememberPolicy policy,
			Callable<?> loader) {
		if (!this.options.distributedSingleFlight()) {
			return reloadNow(namespace, key, raw, ttlMillis, policy, loader);
		}
		byte[] leaseKey = leaseKey(namespace, key);
		byte[] token = RedisCalls.newToken();
		if (!tryLease(leaseKey, token)) {
			return false;
		}
		try {
			long remaining = this.redis.pTtl(raw);
			boolean gone = remaining == -2;
			if (!gone && StoredEntry.ageMillis(remaining, ttlMillis) < TtlPolicy.toMillis(policy.refreshAfter())) {
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
			this.redis.unlink(raw);
		}
		return true;
	}

	/**
	 * Writes a loaded result (or the null marker) with a fresh TTL.
	 * @return whether anything was written
	 */
	private boolean store(KeyNamespace namespace, String key, byte[] raw, long ttlMillis, RememberPolicy policy,
			@Nullable Object result) {
		byte[] bytes;
		long millis;
		if (result != null) {
			if (!policy.mayStore(result)) {
				return false;
			}
			bytes = this.codec.encode(key, result);
			millis = entryMillis(ttlMillis, policy);
		}
		else if (cacheNulls(policy)) {
			bytes = ValueCodec.nullMarker();
			millis = this.nullTtlMillis;
		}
		else {
			return false;
		}
		this.redis.set(raw, bytes, millis, SetCondition.upsert());
		if (result != null) {
			this.recorder.recordPuts(namespace.metricsPrefix(), 1);
		}
		return true;
	}

	/**
	 * The TTL to write with: jittered, but with refresh-ahead the cut stays under half of
	 * {@code refreshAfter}, since the age of an entry is read as if it had the full TTL
	 * and a larger cut would make a fresh entry look stale.
	 */
	private long entryMillis(long ttlMillis, RememberPolicy policy) {
		long millis = this.ttls.entryMillis(ttlMillis);
		long refreshMillis = TtlPolicy.toMillis(policy.refreshAfter());
		if (refreshMillis > 0 && millis != TtlPolicy.PERSISTENT) {
			millis = Math.max(millis, ttlMillis - refreshMillis / 2);
		}
		return millis;
	}

	private boolean cacheNulls(RememberPolicy policy) {
		Boolean perCall = policy.cacheNulls();
		return (perCall != null) ? perCall : this.options.cacheNulls();
	}

	private static byte[] leaseKey(KeyNamespace namespace, String key) {
		return (namespace.redisKey(key) + LEASE_SUFFIX).getBytes(StandardCharsets.UTF_8);
	}

	private boolean tryLease(byte[] leaseKey, byte[] token) {
		return this.redis.set(leaseKey, token, this.leaseMillis, SetCondition.ifAbsent());
	}

	private void releaseLease(String key, byte[] leaseKey, byte[] token) {
		try {
			this.redis.eval(LuaScripts.LOCK_RELEASE, leaseKey, token);
		}
		catch (DataAccessException ex) {
			// the lease expires by itself; the value (or the failure) is what matters
			// here
			logger.debug("Could not release the load lease of key '" + key + "'", ex);
		}
	}

	private @Nullable Object failOpen(KeyNamespace namespace, String key, Type type, Callable<?> loader,
			DataAccessException failure) {
		if (!canFailOpen(failure)) {
			throw failure;
		}
		noteFailOpen(namespace, key, failure);
		return this.singleFlight.run(namespace.redisKey(key), type,
				() -> callLoader(namespace.metricsPrefix(), key, loader));
	}

	private boolean canFailOpen(DataAccessException failure) {
		// only an outage is answered without Redis: an error reply (WRONGTYPE, NOPERM,
		// OOM) is a bug or a configuration problem to report, not something to hide by
		// running the loader on every call
		return this.options.failOpen() && Outages.isOutage(failure);
	}

	private void noteFailOpen(KeyNamespace namespace, String key, DataAccessException failure) {
		this.recorder.recordFailOpen(namespace.metricsPrefix(), failure);
		long now = System.nanoTime();
		long last = this.lastFailOpenLog.get();
		if (now - last >= FAIL_OPEN_LOG_INTERVAL_NANOS && this.lastFailOpenLog.compareAndSet(last, now)) {
			logger.warn("Redis failed during remember of key " + Arguments.quote(key) + " (prefix "
					+ Arguments.quote(namespace.prefix())
					+ "); answering from the loader without caching (fail-open). Further failures are counted"
					+ " and logged at most every 30 s. Reason: " + Outages.describe(failure));
		}
	}

	private byte @Nullable [] get(byte[] raw) {
		return this.redis.get(raw);
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

		Miss(KeyNamespace namespace, String key, byte[] raw, long ttlMillis, RememberPolicy policy, Type type,
				Callable<?> loader) {
			this.namespace = namespace;
			this.key = key;
			this.raw = raw;
			this.ttlMillis = ttlMillis;
			this.policy = policy;
			this.type = type;
			this.loader = loader;
		}

		@Nullable Object load() {
			try {
				return Remembering.this.options.distributedSingleFlight() ? loadUnderLease() : loadLocally();
			}
			catch (DataAccessException ex) {
				if (!canFailOpen(ex)) {
					throw ex;
				}
				noteFailOpen(this.namespace, this.key, ex);
				return this.loaded ? this.value : callLoader(this.namespace.metricsPrefix(), this.key, this.loader);
			}
		}

		private @Nullable Object loadLocally() {
			// a thread that finished loading this key just before we joined may have
			// stored it
			byte[] stored = get(this.raw);
			if (stored != null) {
				return Remembering.this.codec.decode(this.key, stored, this.type);
			}
			return loadAndStore();
		}

		private @Nullable Object loadUnderLease() {
			byte[] leaseKey = leaseKey(this.namespace, this.key);
			byte[] token = RedisCalls.newToken();
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
				byte[] stored = get(this.raw);
				if (stored != null) {
					return Remembering.this.codec.decode(this.key, stored, this.type);
				}
			}
		}

		private @Nullable Object loadAndStore() {
			this.value = callLoader(this.namespace.metricsPrefix(), this.key, this.loader);
			this.loaded = true;
			store(this.value);
			return this.value;
		}

		private void store(@Nullable Object result) {
			Remembering.this.store(this.namespace, this.key, this.raw, this.ttlMillis, this.policy, result);
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
