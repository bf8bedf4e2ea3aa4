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
 * </ul>
 * The hit path is one {@code GET} whatever is enabled.
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

	private final CacheOptions options;

	private final long leaseMillis;

	private final long waitNanos;

	private final long pollNanos;

	private final long nullTtlMillis;

	private final AtomicLong lastFailOpenLog = new AtomicLong(System.nanoTime() - FAIL_OPEN_LOG_INTERVAL_NANOS);

	Remembering(RedisCalls redis, ValueCodec codec, TtlPolicy ttls, CacheOptions options) {
		this.redis = redis;
		this.codec = codec;
		this.ttls = ttls;
		this.recorder = options.metricsRecorder();
		this.observer = options.observer();
		this.singleFlight = new SingleFlight();
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
		byte[] raw = namespace.rawKey(key);
		byte[] cached;
		try {
			cached = get(raw);
		}
		catch (DataAccessException ex) {
			observed.result(CacheObserver.Result.MISS);
			return failOpen(namespace, key, type, loader, ex);
		}
		if (cached != null) {
			this.recorder.recordGets(namespace.metricsPrefix(), 1, 0);
			observed.result(CacheObserver.Result.HIT);
			return this.codec.decode(key, cached, type);
		}
		this.recorder.recordGets(namespace.metricsPrefix(), 0, 1);
		observed.result(CacheObserver.Result.MISS);
		return this.singleFlight.run(namespace.redisKey(key), type,
				() -> new Miss(namespace, key, raw, ttlMillis, policy, type, loader).load());
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
			byte[] leaseKey = (this.namespace.redisKey(this.key) + LEASE_SUFFIX).getBytes(StandardCharsets.UTF_8);
			byte[] token = RedisCalls.newToken();
			long deadline = System.nanoTime() + Remembering.this.waitNanos;
			while (true) {
				if (tryLease(leaseKey, token)) {
					try {
						return loadLocally();
					}
					finally {
						releaseLease(leaseKey, token);
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
			byte[] bytes;
			long millis;
			if (result != null) {
				if (!this.policy.mayStore(result)) {
					return;
				}
				bytes = Remembering.this.codec.encode(this.key, result);
				millis = Remembering.this.ttls.entryMillis(this.ttlMillis);
			}
			else if (cacheNulls()) {
				bytes = ValueCodec.nullMarker();
				millis = Remembering.this.nullTtlMillis;
			}
			else {
				return;
			}
			Remembering.this.redis.set(this.raw, bytes, millis, SetCondition.upsert());
			if (result != null) {
				Remembering.this.recorder.recordPuts(this.namespace.metricsPrefix(), 1);
			}
		}

		private boolean cacheNulls() {
			Boolean perCall = this.policy.cacheNulls();
			return (perCall != null) ? perCall : Remembering.this.options.cacheNulls();
		}

		private boolean tryLease(byte[] leaseKey, byte[] token) {
			return Remembering.this.redis.set(leaseKey, token, Remembering.this.leaseMillis, SetCondition.ifAbsent());
		}

		private void releaseLease(byte[] leaseKey, byte[] token) {
			try {
				Remembering.this.redis.eval(LuaScripts.LOCK_RELEASE, leaseKey, token);
			}
			catch (DataAccessException ex) {
				// the lease expires by itself; the value (or the failure) is what matters
				// here
				logger.debug("Could not release the load lease of key " + Arguments.quote(this.key), ex);
			}
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
