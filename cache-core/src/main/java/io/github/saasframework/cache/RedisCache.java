package io.github.saasframework.cache;

import java.lang.ref.Reference;
import java.lang.reflect.Type;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;

import io.github.saasframework.cache.lock.DistributedLock;
import io.github.saasframework.cache.lock.LockNotHeldException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.dao.InvalidDataAccessApiUsageException;
import org.springframework.data.redis.connection.ClusterSlotHashUtil;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.SetCondition;
import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.util.ClassUtils;

/**
 * The {@link Cache} on Spring Data Redis: every call runs at the connection level with
 * raw bytes (the template's own serializers are not used), so the wire format is exactly
 * the one the {@link CacheConfig#serializer() serializer} writes, under keys
 * {@code <prefix>:<key>}.
 * <p>
 * How each operation maps to Redis is documented on {@link Cache}; in short: one command
 * or one single-key Lua script per call, batches as one {@code MGET}/{@code UNLINK} or
 * one pipeline (per node on a cluster), pattern operations as {@code SCAN} walks.
 * Lettuce's shared native connection serves every call; nothing here holds a connection
 * between calls except an open {@link #scan(String, int)} stream.
 * <p>
 * Create one with {@link #create(RedisConnectionFactory, CacheConfig)} (or let the Spring
 * Boot starter do it) and share it: it is immutable and thread-safe, and so are the
 * caches returned by {@link #withPrefix(String)}, which share its connection and its
 * in-process single-flight.
 *
 * @since 0.1.0
 */
public final class RedisCache implements Cache, AutoCloseable {

	private static final Log logger = LogFactory.getLog(RedisCache.class);

	/** What {@link #read} answers for a key that does not exist. */
	private static final Object ABSENT = new Object();

	private final RedisCalls redis;

	private final CacheConfig config;

	private final CacheMetricsRecorder recorder;

	private final CacheObserver observer;

	private final KeyNamespace namespace;

	private final ValueCodec codec;

	private final TtlPolicy ttls;

	private final Remembering remembering;

	private final KeyScanner scanner;

	private final CacheResources resources;

	private final Locks locks;

	private final NearCache near;

	private final boolean root;

	/** Prefixes of withPrefix children that record metrics under their own prefix. */
	private final Set<String> ownMetricsPrefixes;

	private final int prefixMetricsLimit;

	private final int batchChunkSize;

	private RedisCache(RedisConnectionFactory factory, CacheConfig config, CacheOptions options) {
		this.redis = new RedisCalls(factory);
		this.config = config;
		this.recorder = options.metricsRecorder();
		this.observer = options.observer();
		this.namespace = new KeyNamespace(config.keyPrefix());
		this.codec = new ValueCodec(config.serializer(), options.maxValueBytes());
		this.ttls = new TtlPolicy(config.defaultTtl(), options.ttlJitter());
		this.resources = new CacheResources();
		this.near = options.nearCache()
				? this.resources.register(NearCache.start(this.redis, factory, config.keyPrefix(), options))
				: NearCache.off();
		this.redis.near(this.near);
		this.remembering = new Remembering(this.redis, this.codec, this.ttls, options,
				this.resources.register(new RefreshAhead(options.metricsRecorder())), this.near);
		this.scanner = new KeyScanner(this.redis);
		this.locks = new Locks(this.redis, this.resources);
		this.root = true;
		this.ownMetricsPrefixes = ConcurrentHashMap.newKeySet();
		this.prefixMetricsLimit = options.prefixMetricsLimit();
		this.batchChunkSize = options.batchChunkSize();
	}

	private RedisCache(RedisCache parent, KeyNamespace namespace) {
		this.redis = parent.redis;
		this.config = parent.config;
		this.recorder = parent.recorder;
		this.observer = parent.observer;
		this.namespace = namespace;
		this.codec = parent.codec;
		this.ttls = parent.ttls;
		this.remembering = parent.remembering;
		this.scanner = parent.scanner;
		this.resources = parent.resources;
		this.locks = parent.locks;
		this.near = parent.near;
		this.root = false;
		this.ownMetricsPrefixes = parent.ownMetricsPrefixes;
		this.prefixMetricsLimit = parent.prefixMetricsLimit;
		this.batchChunkSize = parent.batchChunkSize;
	}

	/**
	 * Creates a cache on a connection factory (Lettuce, as Spring Boot configures it).
	 * @param factory the connection factory; it must be started
	 * @param config the settings
	 * @return the cache
	 * @throws IllegalArgumentException if an argument is null
	 */
	public static RedisCache create(RedisConnectionFactory factory, CacheConfig config) {
		return create(factory, config, CacheOptions.defaults());
	}

	/**
	 * Creates a cache on a connection factory, with runtime options such as a metrics
	 * recorder or the resilience settings of {@code remember}.
	 * @param factory the connection factory; it must be started
	 * @param config the settings
	 * @param options the runtime options
	 * @return the cache
	 * @throws IllegalArgumentException if an argument is null
	 */
	public static RedisCache create(RedisConnectionFactory factory, CacheConfig config, CacheOptions options) {
		Arguments.requireNonNull(factory, "factory");
		Arguments.requireNonNull(config, "config");
		Arguments.requireNonNull(options, "options");
		return new RedisCache(factory, config, options);
	}

	/**
	 * Creates a cache on an existing template. Only its connection factory matters: the
	 * cache reads and writes raw bytes and ignores the template's serializers.
	 * @param template the template, with a connection factory
	 * @param config the settings
	 * @return the cache
	 * @throws IllegalArgumentException if an argument is null or the template has no
	 * connection factory
	 */
	public static RedisCache create(RedisTemplate<String, byte[]> template, CacheConfig config) {
		return create(template, config, CacheOptions.defaults());
	}

	/**
	 * Creates a cache on an existing template, with runtime options such as a metrics
	 * recorder.
	 * @param template the template, with a connection factory
	 * @param config the settings
	 * @param options the runtime options
	 * @return the cache
	 * @throws IllegalArgumentException if an argument is null or the template has no
	 * connection factory
	 */
	public static RedisCache create(RedisTemplate<String, byte[]> template, CacheConfig config, CacheOptions options) {
		Arguments.requireNonNull(template, "template");
		RedisConnectionFactory factory = template.getConnectionFactory();
		Arguments.require(factory != null, "template must have a connection factory");
		return create(factory, config, options);
	}

	// ---------------------------------------------------------------- basic

	@Override
	public <T> Optional<T> get(String key, Class<T> type) {
		Arguments.requireNonNull(type, "type");
		Object value = read(key, type);
		return (value == ABSENT) ? Optional.empty() : Optional.ofNullable(cast(type, value));
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> Optional<T> get(String key, ParameterizedTypeReference<T> type) {
		Arguments.requireNonNull(type, "type");
		Object value = read(key, type.getType());
		return (value == ABSENT) ? Optional.empty() : Optional.ofNullable((T) value);
	}

	@Override
	public void set(String key, Object value) {
		set(key, value, Duration.ZERO);
	}

	@Override
	public void set(String key, Object value, Duration ttl) {
		Arguments.requireText(key, "key");
		Arguments.requireNonNull(value, "value");
		TtlPolicy.check(ttl, "ttl");
		write(key, this.codec.encode(key, value), this.ttls.entryMillis(this.ttls.millis(ttl)));
	}

	@Override
	public boolean setIfAbsent(String key, Object value, Duration ttl) {
		Arguments.requireText(key, "key");
		Arguments.requireNonNull(value, "value");
		Arguments.requireTtl(ttl, "ttl");
		byte[] bytes = this.codec.encode(key, value);
		boolean written = this.redis.set(this.namespace.rawKey(key), bytes,
				this.ttls.entryMillis(this.ttls.millis(ttl)), SetCondition.ifAbsent());
		if (written) {
			this.recorder.recordPuts(this.namespace.metricsPrefix(), 1);
		}
		return written;
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> Optional<Entry<T>> lookup(String key, ParameterizedTypeReference<T> type) {
		Arguments.requireNonNull(type, "type");
		Object value = read(key, type.getType());
		return (value == ABSENT) ? Optional.empty() : Optional.of(new Entry<>((T) value));
	}

	@Override
	public boolean setNullMarker(String key, boolean ifAbsent) {
		byte[] raw = rawKey(key);
		return this.redis.set(raw, ValueCodec.nullMarker(), this.remembering.nullTtlMillis(),
				ifAbsent ? SetCondition.ifAbsent() : SetCondition.upsert());
	}

	@Override
	public boolean delete(String key) {
		return evicted(this.redis.unlink(rawKey(key))) > 0;
	}

	@Override
	public long exists(String... keys) {
		Arguments.requireNonNull(keys, "keys");
		if (keys.length == 0) {
			return 0;
		}
		byte[][] raw = new byte[keys.length][];
		for (int i = 0; i < keys.length; i++) {
			raw[i] = rawKey(keys[i]);
		}
		return this.redis.exists(raw);
	}

	// ---------------------------------------------------------------- batch

	@Override
	public <T> Map<String, T> getAll(Collection<String> keys, Class<T> type) {
		Arguments.requireNonNull(type, "type");
		return readAll(keys, type);
	}

	@Override
	public <T> Map<String, T> getAll(Collection<String> keys, ParameterizedTypeReference<T> type) {
		Arguments.requireNonNull(type, "type");
		return readAll(keys, type.getType());
	}

	@Override
	public void setAll(Map<String, ?> items, Duration ttl) {
		Arguments.requireNonNull(items, "items");
		TtlPolicy.check(ttl, "ttl");
		if (items.isEmpty()) {
			return;
		}
		// serialize everything first: one bad value means nothing of the batch is written
		List<byte[]> keys = new ArrayList<>(items.size());
		List<byte[]> values = new ArrayList<>(items.size());
		for (Map.Entry<String, ?> item : items.entrySet()) {
			String key = item.getKey();
			keys.add(rawKey(key));
			Object value = item.getValue();
			Arguments.require(value != null, "items must not contain a null value: key '%s'", key);
			values.add(this.codec.encode(key, value));
		}
		long millis = this.ttls.millis(ttl);
		if (keys.size() == 1) {
			this.redis.set(keys.get(0), values.get(0), this.ttls.entryMillis(millis), SetCondition.upsert());
			this.recorder.recordPuts(this.namespace.metricsPrefix(), 1);
			return;
		}
		// one pipeline per chunk, each awaited before the next is sent: a failure leaves
		// at most the chunks sent so far written and returns within about one command
		// timeout, instead of one huge pipeline that keeps writing after the caller gave
		// up
		for (int from = 0; from < keys.size(); from += this.batchChunkSize) {
			int to = Math.min(keys.size(), from + this.batchChunkSize);
			try {
				writeChunk(keys, values, millis, from, to);
			}
			finally {
				for (int i = from; i < to; i++) {
					this.near.written(keys.get(i));
				}
			}
			this.recorder.recordPuts(this.namespace.metricsPrefix(), to - from);
		}
	}

	/** One pipeline with the entries {@code from} to {@code to} (exclusive). */
	private void writeChunk(List<byte[]> keys, List<byte[]> values, long millis, int from, int to) {
		this.redis.pipelined((connection) -> {
			for (int i = from; i < to; i++) {
				// each entry gets its own jitter, so a batch does not expire in one
				// instant
				connection.stringCommands()
					.set(keys.get(i), values.get(i), SetCondition.upsert(),
							RedisCalls.expiration(this.ttls.entryMillis(millis)));
			}
			return null;
		});
	}

	@Override
	public long deleteAll(Collection<String> keys) {
		Arguments.requireNonNull(keys, "keys");
		if (keys.isEmpty()) {
			return 0;
		}
		return evicted(this.redis.unlink(rawKeys(keys)));
	}

	// ---------------------------------------------------------------- remember

	@Override
	public <T> @Nullable T remember(String key, Duration ttl, Class<T> type, Callable<? extends T> loader) {
		TtlPolicy.check(ttl, "ttl");
		Arguments.requireNonNull(type, "type");
		return cast(type, load(key, this.ttls.millis(ttl), RememberPolicy.defaultTtl(), type, loader));
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> @Nullable T remember(String key, Duration ttl, ParameterizedTypeReference<T> type,
			Callable<? extends T> loader) {
		TtlPolicy.check(ttl, "ttl");
		Arguments.requireNonNull(type, "type");
		return (T) load(key, this.ttls.millis(ttl), RememberPolicy.defaultTtl(), type.getType(), loader);
	}

	@Override
	public <T> @Nullable T rememberForever(String key, Class<T> type, Callable<? extends T> loader) {
		Arguments.requireNonNull(type, "type");
		return cast(type, load(key, TtlPolicy.PERSISTENT, RememberPolicy.defaultTtl(), type, loader));
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> @Nullable T rememberForever(String key, ParameterizedTypeReference<T> type,
			Callable<? extends T> loader) {
		Arguments.requireNonNull(type, "type");
		return (T) load(key, TtlPolicy.PERSISTENT, RememberPolicy.defaultTtl(), type.getType(), loader);
	}

	@Override
	public <T> @Nullable T remember(String key, RememberPolicy policy, Class<T> type, Callable<? extends T> loader) {
		Arguments.requireNonNull(policy, "policy");
		Arguments.requireNonNull(type, "type");
		return cast(type, load(key, this.ttls.millis(policy.ttl()), policy, type, loader));
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> @Nullable T remember(String key, RememberPolicy policy, ParameterizedTypeReference<T> type,
			Callable<? extends T> loader) {
		Arguments.requireNonNull(policy, "policy");
		Arguments.requireNonNull(type, "type");
		return (T) load(key, this.ttls.millis(policy.ttl()), policy, type.getType(), loader);
	}

	// ---------------------------------------------------------------- pattern deletion

	@Override
	public long deleteByPattern(String pattern) {
		Arguments.requireText(pattern, "pattern");
		if (this.namespace.prefix().isEmpty() && KeyNamespace.matchesEverything(pattern)) {
			throw new IllegalArgumentException("deleteByPattern('" + pattern + "') on a cache without a key prefix"
					+ " would empty the whole database (every other application's and tenant's keys); use a"
					+ " narrower pattern such as 'user:*', or a cache with a prefix");
		}
		try {
			return evicted(this.scanner.deleteByPattern(this.namespace, pattern));
		}
		finally {
			this.near.clear();
		}
	}

	@Override
	public long flushPrefix() {
		if (this.namespace.prefix().isEmpty()) {
			throw new IllegalStateException(
					"flushPrefix() needs a key prefix: this cache has none, and it never empties the whole database");
		}
		try {
			return evicted(this.scanner.deleteByPattern(this.namespace, "*"));
		}
		finally {
			this.near.clear();
		}
	}

	// ---------------------------------------------------------------- counters

	@Override
	public long increment(String key) {
		return incrementBy(key, 1);
	}

	@Override
	public long incrementBy(String key, long delta) {
		return nonNull(this.redis.incrBy(rawKey(key), delta), key);
	}

	@Override
	public long incrementBy(String key, long delta, Duration ttl) {
		byte[] raw = rawKey(key);
		TtlPolicy.check(ttl, "ttl");
		long millis = this.ttls.millis(ttl);
		if (millis == TtlPolicy.PERSISTENT) {
			return incrementBy(key, delta);
		}
		return this.redis.eval(LuaScripts.INCREMENT_WITH_TTL, raw, RedisCalls.ascii(delta), RedisCalls.ascii(millis));
	}

	@Override
	public long decrement(String key) {
		return decrementBy(key, 1);
	}

	@Override
	public long decrementBy(String key, long delta) {
		return nonNull(this.redis.decrBy(rawKey(key), delta), key);
	}

	@Override
	public double incrementFloat(String key, double delta) {
		byte[] raw = rawKey(key);
		Arguments.require(Double.isFinite(delta), "delta must be finite: %s", delta);
		Double value = this.redis.incrByFloat(raw, delta);
		if (value == null) {
			throw new IllegalStateException("Redis returned no value for INCRBYFLOAT of key " + Arguments.quote(key));
		}
		return value;
	}

	// ---------------------------------------------------------------- locks

	@Override
	public DistributedLock lock(String name, Duration ttl) {
		return newLock(name, ttl);
	}

	@Override
	public <T> @Nullable T withLock(String name, Duration ttl, Callable<T> action) {
		return withLock(name, ttl, this.config.lockWait(), action);
	}

	@Override
	public <T> @Nullable T withLock(String name, Duration ttl, Duration waitTime, Callable<T> action) {
		Arguments.requireNonNull(action, "action");
		Arguments.requireTtl(waitTime, "waitTime");
		RedisDistributedLock lock = newLock(name, ttl);
		if (HeldLocks.find(this.locks, lock.redisKey()) != null) {
			// reentrant: this thread holds the lock already; the outermost call keeps the
			// lease and releases it
			return callUnderLock(name, action);
		}
		lock.acquire(waitTime);
		HeldLocks.Hold hold = HeldLocks.push(this.locks, lock.redisKey(), lock);
		T result = null;
		Throwable failure = null;
		try {
			// keep the lease alive while the action runs: ttl bounds how long a crashed
			// process blocks the others, not how long the action may take
			CompletableFuture<Void> lease;
			try {
				lease = lock.refreshLoop(refreshInterval(ttl));
			}
			catch (RuntimeException ex) {
				lock.close();
				throw ex;
			}
			try {
				result = callUnderLock(name, action);
			}
			catch (Throwable ex) {
				failure = ex;
			}
			LockNotHeldException lost = releaseAfterAction(lock, lease);
			if (failure == null && lost != null) {
				throw lost;
			}
			if (lost != null) {
				failure.addSuppressed(lost);
			}
		}
		finally {
			HeldLocks.pop(hold);
			Reference.reachabilityFence(lock);
		}
		if (failure instanceof RuntimeException runtime) {
			throw runtime;
		}
		if (failure instanceof Error error) {
			throw error;
		}
		return result;
	}

	@Override
	public void withLock(String name, Duration ttl, ThrowingRunnable action) {
		Arguments.requireNonNull(action, "action");
		withLock(name, ttl, () -> {
			action.run();
			return null;
		});
	}

	// ---------------------------------------------------------------- TTL management

	@Override
	public Optional<Duration> getTtl(String key) {
		long millis = this.redis.pTtl(rawKey(key));
		if (millis == -2) {
			return Optional.empty();
		}
		return Optional.of((millis == -1) ? NO_EXPIRY : Duration.ofMillis(millis));
	}

	@Override
	public boolean expire(String key, Duration ttl) {
		byte[] raw = rawKey(key);
		Arguments.requirePositive(ttl, "ttl");
		TtlPolicy.check(ttl, "ttl");
		long millis = TtlPolicy.toMillis(ttl);
		if (millis == TtlPolicy.PERSISTENT) {
			return persistOrExists(raw);
		}
		return this.redis.pExpire(raw, millis);
	}

	@Override
	public boolean expireAt(String key, Instant when) {
		byte[] raw = rawKey(key);
		Arguments.requireNonNull(when, "when");
		Arguments.require(!when.isAfter(TtlPolicy.LATEST_EXPIRY),
				"when is later than Redis can keep an expiry (%s): %s; use persist(key) for none",
				TtlPolicy.LATEST_EXPIRY, when);
		// an instant before the epoch is in the past: Redis deletes the key, as
		// documented
		long epochMillis = when.isBefore(Instant.EPOCH) ? 0 : when.toEpochMilli();
		return this.redis.pExpireAt(raw, epochMillis);
	}

	@Override
	public boolean persist(String key) {
		return this.redis.persist(rawKey(key));
	}

	@Override
	public boolean touch(String key) {
		byte[] raw = rawKey(key);
		long millis = this.ttls.defaultMillis();
		if (millis == TtlPolicy.PERSISTENT) {
			return persistOrExists(raw);
		}
		return this.redis.pExpire(raw, millis);
	}

	// ---------------------------------------------------------------- key management

	@Override
	public List<String> keys(String pattern) {
		Arguments.requireText(pattern, "pattern");
		return this.scanner.keys(this.namespace, pattern);
	}

	@Override
	public Stream<String> scan(String pattern, int count) {
		Arguments.requireText(pattern, "pattern");
		Arguments.require(count > 0, "count must be positive: %s", count);
		return this.scanner.scan(this.namespace, pattern, count);
	}

	@Override
	public void rename(String oldKey, String newKey) {
		byte[] from = rawKey(oldKey, "oldKey");
		byte[] to = rawKey(newKey, "newKey");
		this.redis.rename(from, to, () -> requireSameSlot(oldKey, from, newKey, to));
	}

	// ---------------------------------------------------------------- namespaces

	@Override
	public Cache withPrefix(String prefix) {
		Arguments.requireText(prefix, "prefix");
		Arguments.require(!prefix.startsWith(":") && !prefix.endsWith(":"),
				"prefix must not start or end with ':': '%s'", prefix);
		return new RedisCache(this, this.namespace.child(prefix, ownMetrics(prefix)));
	}

	@Override
	public String prefix() {
		return this.namespace.prefix();
	}

	/**
	 * Stops what this cache runs in the background (lease refreshes, refresh-ahead
	 * reloads and other threads it owns). The connection factory is not closed: it
	 * belongs to whoever created it. The Spring Boot starter closes its cache with the
	 * application context. Closing a cache made by {@link #withPrefix(String)} does
	 * nothing: its root owns the resources. Idempotent.
	 */
	@Override
	public void close() {
		if (this.root) {
			this.resources.close();
		}
	}

	@Override
	public String toString() {
		return "RedisCache[prefix='" + this.namespace.prefix() + "']";
	}

	// ---------------------------------------------------------------- internals

	private boolean ownMetrics(String part) {
		String childPrefix = this.namespace.child(part, false).prefix();
		if (this.recorder.recordsOnItsOwn(childPrefix)) {
			return true;
		}
		if (this.prefixMetricsLimit == 0) {
			return false;
		}
		if (this.ownMetricsPrefixes.contains(childPrefix)) {
			return true;
		}
		if (this.ownMetricsPrefixes.size() >= this.prefixMetricsLimit) {
			return false;
		}
		this.ownMetricsPrefixes.add(childPrefix);
		return true;
	}

	private byte[] rawKey(String key) {
		return rawKey(key, "key");
	}

	private byte[] rawKey(String key, String argument) {
		return this.namespace.rawKey(Arguments.requireText(key, argument));
	}

	private byte[][] rawKeys(Collection<String> keys) {
		byte[][] raw = new byte[keys.size()][];
		int i = 0;
		for (String key : keys) {
			raw[i++] = rawKey(key);
		}
		return raw;
	}

	private long evicted(long removed) {
		if (removed > 0) {
			this.recorder.recordEvictions(this.namespace.metricsPrefix(), removed);
		}
		return removed;
	}

	/**
	 * Reads a key as {@code type}.
	 * @return the value ({@code null} for a stored null), or {@link #ABSENT}
	 */
	private @Nullable Object read(String key, Type type) {
		Arguments.requireText(key, "key");
		String prefix = this.namespace.metricsPrefix();
		CacheObserver.Observed observed = this.observer.start(CacheObserver.Operation.GET, prefix);
		try {
			String redisKey = this.namespace.redisKey(key);
			byte[] bytes;
			if (this.near.isOn()) {
				NearCache.Entry entry = this.near.find(redisKey);
				if (entry != null) {
					this.recorder.recordNearCacheGets(prefix, 1, 0);
					this.recorder.recordGets(prefix, 1, 0);
					observed.result(CacheObserver.Result.HIT);
					return entry.value(key, type, this.codec);
				}
				this.recorder.recordNearCacheGets(prefix, 0, 1);
				StoredEntry stored = this.near.fetch(redisKey, KeyNamespace.bytes(redisKey));
				bytes = (stored != null) ? stored.value() : null;
			}
			else {
				bytes = this.redis.get(KeyNamespace.bytes(redisKey));
			}
			if (bytes == null) {
				this.recorder.recordGets(prefix, 0, 1);
				observed.result(CacheObserver.Result.MISS);
				return ABSENT;
			}
			this.recorder.recordGets(prefix, 1, 0);
			observed.result(CacheObserver.Result.HIT);
			return this.codec.decode(key, bytes, type);
		}
		catch (RuntimeException | Error ex) {
			observed.error(ex);
			throw ex;
		}
		finally {
			observed.stop();
		}
	}

	@SuppressWarnings("unchecked")
	private <T> Map<String, T> readAll(Collection<String> keys, Type type) {
		Arguments.requireNonNull(keys, "keys");
		if (keys.isEmpty()) {
			return Map.of();
		}
		byte[][] raw = rawKeys(keys);
		String prefix = this.namespace.metricsPrefix();
		// per key, in order: a value answered from memory, else null (read from Redis)
		NearCache.Entry[] inMemory = new NearCache.Entry[raw.length];
		List<byte[]> values;
		if (this.near.isOn()) {
			// answer what memory has; only the other keys go to Redis, in one round trip
			// per master
			List<String> missingRedisKeys = new ArrayList<>();
			List<byte[]> missingRaw = new ArrayList<>();
			int i = 0;
			for (String key : keys) {
				String redisKey = this.namespace.redisKey(key);
				inMemory[i] = this.near.find(redisKey);
				if (inMemory[i] == null) {
					missingRedisKeys.add(redisKey);
					missingRaw.add(raw[i]);
				}
				i++;
			}
			this.recorder.recordNearCacheGets(prefix, raw.length - missingRaw.size(), missingRaw.size());
			values = missingRaw.isEmpty() ? List.of() : this.near.fetchAll(missingRedisKeys, missingRaw);
		}
		else {
			values = this.redis.mGet(raw);
			if (values.isEmpty()) {
				return new LinkedHashMap<>();
			}
		}
		Map<String, T> result = new LinkedHashMap<>();
		int i = 0;
		int read = 0;
		int hits = 0;
		for (String key : keys) {
			NearCache.Entry entry = inMemory[i++];
			Object value;
			if (entry != null) {
				value = entry.value(key, type, this.codec);
			}
			else {
				byte[] bytes = (read < values.size()) ? values.get(read) : null;
				read++;
				if (bytes == null) {
					continue;
				}
				value = this.codec.decode(key, bytes, type);
			}
			hits++;
			if (value != null) {
				result.put(key, (T) value);
			}
		}
		this.recorder.recordGets(prefix, hits, keys.size() - hits);
		return result;
	}

	private void write(String key, byte[] bytes, long millis) {
		this.redis.set(this.namespace.rawKey(key), bytes, millis, SetCondition.upsert());
		this.recorder.recordPuts(this.namespace.metricsPrefix(), 1);
	}

	private @Nullable Object load(String key, long ttlMillis, RememberPolicy policy, Type type, Callable<?> loader) {
		Arguments.requireText(key, "key");
		Arguments.requireNonNull(loader, "loader");
		requireRefreshBeforeExpiry(policy, ttlMillis);
		return this.remembering.remember(this.namespace, key, ttlMillis, policy, type, loader);
	}

	private static void requireRefreshBeforeExpiry(RememberPolicy policy, long ttlMillis) {
		Duration refreshAfter = policy.refreshAfter();
		if (refreshAfter.isZero()) {
			return;
		}
		Arguments.require(ttlMillis != TtlPolicy.PERSISTENT,
				"refreshAfter needs a TTL: the age of an entry is read from its remaining TTL, and values"
						+ " stored without expiry have none (refreshAfter %s)",
				refreshAfter);
		Arguments.require(TtlPolicy.toMillis(refreshAfter) < ttlMillis,
				"refreshAfter must be shorter than the TTL: %s is not shorter than %s", refreshAfter,
				Duration.ofMillis(ttlMillis));
	}

	private boolean persistOrExists(byte[] raw) {
		return this.redis.persist(raw) || this.redis.exists(raw) > 0;
	}

	private static void requireSameSlot(String oldKey, byte[] from, String newKey, byte[] to) {
		int fromSlot = ClusterSlotHashUtil.calculateSlot(from);
		int toSlot = ClusterSlotHashUtil.calculateSlot(to);
		if (fromSlot != toSlot) {
			// Spring Data's own fallback (DUMP, RESTORE, DEL) is neither atomic nor
			// TTL-safe
			throw new InvalidDataAccessApiUsageException("Cannot rename '" + oldKey + "' to '" + newKey
					+ "' on a Redis Cluster: the keys are in different hash slots (" + fromSlot + " and " + toSlot
					+ "), and RENAME is atomic only within one slot. Give both keys the same {hash tag}, "
					+ "such as '{order:42}:draft' and '{order:42}:final'");
		}
	}

	/** Whether the near cache holds a key now (for tests). */
	boolean heldInMemory(String key) {
		return this.near.find(this.namespace.redisKey(key)) != null;
	}

	/** How many lock leases this cache's lease keeper keeps alive (for tests). */
	int leasesKept() {
		return this.locks.keeper().size();
	}

	private RedisDistributedLock newLock(String name, Duration ttl) {
		Arguments.requireText(name, "name");
		Arguments.requireLease(ttl, "ttl");
		return new RedisDistributedLock(this.locks, this.namespace, name, ttl, this.config.lockRetryInterval(),
				this.recorder, this.observer);
	}

	private static <T> @Nullable T callUnderLock(String name, Callable<T> action) {
		try {
			return action.call();
		}
		catch (RuntimeException | Error ex) {
			throw ex;
		}
		catch (Exception ex) {
			throw new CacheException("Action under lock " + Arguments.quote(name) + " failed: " + ex, ex);
		}
	}

	/**
	 * Releases the lock after its action and tells whether it was lost meanwhile: a
	 * release that finds the key without this owner's token means another owner could
	 * have held it while the action ran. A release that fails (Redis unreachable, no
	 * rights) is logged: the lock then frees itself when its lease runs out; it counts as
	 * lost only when the lease keeper had already given the lease up.
	 */
	private static @Nullable LockNotHeldException releaseAfterAction(RedisDistributedLock lock,
			CompletableFuture<Void> lease) {
		Throwable leaseFailure = null;
		if (lease.isCompletedExceptionally()) {
			try {
				lease.join();
			}
			catch (CompletionException | CancellationException ex) {
				leaseFailure = (ex.getCause() != null) ? ex.getCause() : ex;
			}
		}
		try {
			lock.release();
			// the key still held this owner's token: nobody else held the lock meanwhile
			return null;
		}
		catch (LockNotHeldException ex) {
			String why = (leaseFailure != null) ? leaseFailure.getMessage()
					: "at release its key no longer held this owner's token (expired or taken over)";
			return new LockNotHeldException("Lock " + Arguments.quote(lock.name()) + " (key "
					+ Arguments.quote(lock.redisKey()) + ") was lost while its action ran, so another owner may have "
					+ "held it meanwhile: " + why, (leaseFailure != null) ? leaseFailure : ex);
		}
		catch (RuntimeException ex) {
			if (leaseFailure != null) {
				return new LockNotHeldException("Lock " + Arguments.quote(lock.name()) + " (key "
						+ Arguments.quote(lock.redisKey()) + ") was lost while its action ran: "
						+ leaseFailure.getMessage() + "; the release failed too: " + ex, leaseFailure);
			}
			logger.warn("Lock " + Arguments.quote(lock.name()) + " (key " + Arguments.quote(lock.redisKey())
					+ ") could not be released after its action, which ran under the lock: " + ex
					+ "; the lock frees itself when its lease of " + lock.ttl() + " runs out");
			return null;
		}
	}

	private static Duration refreshInterval(Duration ttl) {
		Duration third = ttl.dividedBy(3);
		return third.isZero() ? Duration.ofMillis(1) : third;
	}

	@SuppressWarnings("unchecked")
	private static <T> @Nullable T cast(Class<T> type, @Nullable Object value) {
		// Class.cast rejects boxed values for primitive classes such as int.class
		return (T) ClassUtils.resolvePrimitiveIfNecessary(type).cast(value);
	}

	private static long nonNull(@Nullable Long value, String key) {
		if (value == null) {
			throw new IllegalStateException("Redis returned no value for key " + Arguments.quote(key));
		}
		return value;
	}

}
