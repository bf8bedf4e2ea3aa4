package io.github.saasframework.cache;

import java.lang.reflect.Type;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import io.github.saasframework.cache.internal.Arguments;
import io.github.saasframework.cache.internal.core.AsyncFacade;
import io.github.saasframework.cache.internal.core.CacheCore;
import io.github.saasframework.cache.internal.core.CacheInternals;
import io.github.saasframework.cache.internal.KeyNamespace;
import io.github.saasframework.cache.internal.TtlPolicy;
import io.github.saasframework.cache.internal.redis.LuaScripts;
import io.github.saasframework.cache.internal.redis.RedisDoor;
import io.github.saasframework.cache.internal.store.ValueStore;
import io.github.saasframework.cache.lock.DistributedLock;
import org.jspecify.annotations.Nullable;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.SetCondition;
import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.util.ClassUtils;

/**
 * The {@link Cache} on Spring Data Redis and Lettuce: every call runs on raw bytes (the
 * template's own serializers are not used), so the wire format is exactly the one the
 * {@link CacheConfig#serializer() serializer} writes, under keys {@code <prefix>:<key>}.
 * <p>
 * How each operation maps to Redis is documented on {@link Cache}; in short: one command
 * or one single-key Lua script per call, batches as one {@code MGET}/{@code UNLINK} or
 * one pipeline (per node on a cluster), pattern operations as {@code SCAN} walks. Every
 * command goes through one door on Lettuce's asynchronous API, on the factory's shared
 * native connection; blocking calls await the command's future with the command timeout,
 * and {@link #async()} hands the same futures to the caller.
 * <p>
 * This class is the facade: it checks arguments and delegates to the parts the root cache
 * owns (the read path, with or without a near cache; remember and refresh-ahead; locks;
 * key walks), which its {@link #withPrefix(String)} children share. Create one with
 * {@link #create(RedisConnectionFactory, CacheConfig)} (or let the Spring Boot starter do
 * it) and share it: it is thread-safe.
 *
 * @since 0.1.0
 */
public final class RedisCache implements Cache, AutoCloseable {

	static {
		CacheInternals.register(new CacheInternals.Access() {

			@Override
			public @Nullable CacheCore core(Cache cache) {
				return (cache instanceof RedisCache redis) ? redis.core : null;
			}

			@Override
			public @Nullable KeyNamespace namespace(Cache cache) {
				return (cache instanceof RedisCache redis) ? redis.namespace : null;
			}

		});
	}

	private final CacheCore core;

	private final KeyNamespace namespace;

	private final RedisDoor door;

	private final ValueStore store;

	private final TtlPolicy ttls;

	private final CacheMetricsRecorder recorder;

	private final boolean root;

	private final AsyncCache async;

	private RedisCache(CacheCore core, KeyNamespace namespace, boolean root) {
		this.core = core;
		this.namespace = namespace;
		this.door = core.door();
		this.store = core.store();
		this.ttls = core.ttls();
		this.recorder = core.config().metricsRecorder();
		this.root = root;
		this.async = new AsyncFacade(core, namespace);
	}

	/**
	 * Creates a cache on a connection factory (Lettuce's, as Spring Boot configures it).
	 * @param factory the connection factory; it must be started
	 * @param config the settings
	 * @return the cache
	 * @throws IllegalArgumentException if an argument is null or the factory is not
	 * Lettuce's
	 * @throws IllegalStateException if the near cache is on and Redis cannot track keys
	 */
	public static RedisCache create(RedisConnectionFactory factory, CacheConfig config) {
		Arguments.requireNonNull(factory, "factory");
		Arguments.requireNonNull(config, "config");
		return new RedisCache(CacheCore.start(factory, config), new KeyNamespace(config.keyPrefix()), true);
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
		Arguments.requireNonNull(template, "template");
		RedisConnectionFactory factory = template.getConnectionFactory();
		Arguments.require(factory != null, "template must have a connection factory");
		return create(factory, config);
	}

	// ---------------------------------------------------------------- basic

	@Override
	public <T> Optional<T> get(String key, Class<T> type) {
		Arguments.requireText(key, "key");
		Arguments.requireNonNull(type, "type");
		Object value = this.store.get(this.namespace, key, type);
		return (value == ValueStore.ABSENT) ? Optional.empty() : Optional.ofNullable(cast(type, value));
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> Optional<T> get(String key, ParameterizedTypeReference<T> type) {
		Arguments.requireText(key, "key");
		Arguments.requireNonNull(type, "type");
		Object value = this.store.get(this.namespace, key, type.getType());
		return (value == ValueStore.ABSENT) ? Optional.empty() : Optional.ofNullable((T) value);
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
		byte[] bytes = this.core.codec().encode(key, value);
		this.door.await(this.door.set(this.namespace.rawKey(key), bytes, this.ttls.entryMillis(this.ttls.millis(ttl)),
				SetCondition.upsert()));
		this.recorder.recordPuts(this.namespace.metricsPrefix(), 1);
	}

	@Override
	public boolean setIfAbsent(String key, Object value, Duration ttl) {
		Arguments.requireText(key, "key");
		Arguments.requireNonNull(value, "value");
		Arguments.requireTtl(ttl, "ttl");
		byte[] bytes = this.core.codec().encode(key, value);
		boolean written = RedisDoor.isWritten(this.door.await(this.door.set(this.namespace.rawKey(key), bytes,
				this.ttls.entryMillis(this.ttls.millis(ttl)), SetCondition.ifAbsent())));
		if (written) {
			this.recorder.recordPuts(this.namespace.metricsPrefix(), 1);
		}
		return written;
	}

	@Override
	public boolean delete(String key) {
		return evicted(this.door.await(this.door.unlink(rawKey(key)))) > 0;
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
		return this.door.await(this.door.exists(raw));
	}

	// ---------------------------------------------------------------- batch

	@Override
	public <T> Map<String, T> getAll(Collection<String> keys, Class<T> type) {
		Arguments.requireNonNull(type, "type");
		return this.store.getAll(this.namespace, checkedKeys(keys), type);
	}

	@Override
	public <T> Map<String, T> getAll(Collection<String> keys, ParameterizedTypeReference<T> type) {
		Arguments.requireNonNull(type, "type");
		return this.store.getAll(this.namespace, checkedKeys(keys), type.getType());
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
			values.add(this.core.codec().encode(key, value));
		}
		long millis = this.ttls.millis(ttl);
		int chunk = this.core.config().batchChunkSize();
		// one chunk at a time, each awaited before the next is sent: a failure leaves at
		// most the chunks sent so far written and returns within about one command
		// timeout, instead of a huge batch that keeps writing after the caller gave up
		for (int from = 0; from < keys.size(); from += chunk) {
			int to = Math.min(keys.size(), from + chunk);
			CompletableFuture<?>[] sent = new CompletableFuture<?>[to - from];
			for (int i = from; i < to; i++) {
				// each entry gets its own jitter, so a batch does not expire in one
				// instant
				sent[i - from] = this.door.set(keys.get(i), values.get(i), this.ttls.entryMillis(millis),
						SetCondition.upsert());
			}
			this.door.await(CompletableFuture.allOf(sent));
			this.recorder.recordPuts(this.namespace.metricsPrefix(), to - from);
		}
	}

	@Override
	public long deleteAll(Collection<String> keys) {
		Arguments.requireNonNull(keys, "keys");
		if (keys.isEmpty()) {
			return 0;
		}
		byte[][] raw = new byte[keys.size()][];
		int i = 0;
		for (String key : keys) {
			raw[i++] = rawKey(key);
		}
		return evicted(this.door.await(this.door.unlink(raw)));
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
		return evicted(this.core.keys().deleteByPattern(this.namespace, pattern));
	}

	@Override
	public long flushPrefix() {
		if (this.namespace.prefix().isEmpty()) {
			throw new IllegalStateException(
					"flushPrefix() needs a key prefix: this cache has none, and it never empties the whole database");
		}
		return evicted(this.core.keys().deleteByPattern(this.namespace, "*"));
	}

	// ---------------------------------------------------------------- counters

	@Override
	public long increment(String key) {
		return incrementBy(key, 1);
	}

	@Override
	public long incrementBy(String key, long delta) {
		return this.door.await(this.door.incrBy(rawKey(key), delta));
	}

	@Override
	public long incrementBy(String key, long delta, Duration ttl) {
		byte[] raw = rawKey(key);
		TtlPolicy.check(ttl, "ttl");
		long millis = this.ttls.millis(ttl);
		if (millis == TtlPolicy.PERSISTENT) {
			return incrementBy(key, delta);
		}
		return this.door
			.await(this.door.eval(LuaScripts.INCREMENT_WITH_TTL, raw, RedisDoor.ascii(delta), RedisDoor.ascii(millis)));
	}

	@Override
	public long decrement(String key) {
		return decrementBy(key, 1);
	}

	@Override
	public long decrementBy(String key, long delta) {
		return this.door.await(this.door.decrBy(rawKey(key), delta));
	}

	@Override
	public double incrementFloat(String key, double delta) {
		byte[] raw = rawKey(key);
		Arguments.require(Double.isFinite(delta), "delta must be finite: %s", delta);
		return this.door.await(this.door.incrByFloat(raw, delta));
	}

	// ---------------------------------------------------------------- locks

	@Override
	public DistributedLock lock(String name, Duration ttl) {
		Arguments.requireText(name, "name");
		Arguments.requireLease(ttl, "ttl");
		return this.core.locks().lock(this.namespace, name, ttl);
	}

	@Override
	public <T> @Nullable T withLock(String name, Duration ttl, Callable<T> action) {
		return withLock(name, ttl, this.core.config().lockWait(), action);
	}

	@Override
	public <T> @Nullable T withLock(String name, Duration ttl, Duration waitTime, Callable<T> action) {
		Arguments.requireText(name, "name");
		Arguments.requireLease(ttl, "ttl");
		Arguments.requireNonNull(action, "action");
		Arguments.requireTtl(waitTime, "waitTime");
		return this.core.locks().withLock(this.namespace, name, ttl, waitTime, action);
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
		long millis = this.door.await(this.door.pTtl(rawKey(key)));
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
		return this.door.await(this.door.pExpire(raw, millis));
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
		return this.door.await(this.door.pExpireAt(raw, epochMillis));
	}

	@Override
	public boolean persist(String key) {
		return this.door.await(this.door.persist(rawKey(key)));
	}

	@Override
	public boolean touch(String key) {
		byte[] raw = rawKey(key);
		long millis = this.ttls.defaultMillis();
		if (millis == TtlPolicy.PERSISTENT) {
			return persistOrExists(raw);
		}
		return this.door.await(this.door.pExpire(raw, millis));
	}

	// ---------------------------------------------------------------- key management

	@Override
	public List<String> keys(String pattern) {
		Arguments.requireText(pattern, "pattern");
		return this.core.keys().keys(this.namespace, pattern);
	}

	@Override
	public Stream<String> scan(String pattern, int count) {
		Arguments.requireText(pattern, "pattern");
		Arguments.require(count > 0, "count must be positive: %s", count);
		return this.core.keys().scan(this.namespace, pattern, count);
	}

	@Override
	public void rename(String oldKey, String newKey) {
		byte[] from = this.namespace.rawKey(Arguments.requireText(oldKey, "oldKey"));
		byte[] to = this.namespace.rawKey(Arguments.requireText(newKey, "newKey"));
		this.core.keys().rename(oldKey, from, newKey, to);
	}

	// ---------------------------------------------------------------- namespaces

	@Override
	public Cache withPrefix(String prefix) {
		Arguments.requireText(prefix, "prefix");
		Arguments.require(!prefix.startsWith(":") && !prefix.endsWith(":"),
				"prefix must not start or end with ':': '%s'", prefix);
		String childPrefix = this.namespace.child(prefix, false).prefix();
		return new RedisCache(this.core, this.namespace.child(prefix, this.core.ownMetrics(childPrefix)), false);
	}

	@Override
	public String prefix() {
		return this.namespace.prefix();
	}

	@Override
	public AsyncCache async() {
		return this.async;
	}

	/**
	 * Stops what this cache runs in the background (lease refreshes, refresh-ahead
	 * reloads, the near cache's tracking, connections of its own). The connection factory
	 * is not closed: it belongs to whoever created it. The Spring Boot starter closes its
	 * cache with the application context. Closing a cache made by
	 * {@link #withPrefix(String)} does nothing: its root owns the resources. Idempotent.
	 */
	@Override
	public void close() {
		if (this.root) {
			this.core.close();
		}
	}

	@Override
	public String toString() {
		return "RedisCache[prefix='" + this.namespace.prefix() + "']";
	}

	// ---------------------------------------------------------------- internals

	/** Whether the near cache holds a key now (for tests). */
	boolean heldInMemory(String key) {
		return this.store.heldInMemory(this.namespace.redisKey(key));
	}

	/** How many lock leases this cache's lease keeper keeps alive (for tests). */
	int leasesKept() {
		return this.core.locks().leasesKept();
	}

	private byte[] rawKey(String key) {
		return this.namespace.rawKey(Arguments.requireText(key, "key"));
	}

	private static Collection<String> checkedKeys(Collection<String> keys) {
		Arguments.requireNonNull(keys, "keys");
		for (String key : keys) {
			Arguments.requireText(key, "key");
		}
		return keys;
	}

	private long evicted(long removed) {
		if (removed > 0) {
			this.recorder.recordEvictions(this.namespace.metricsPrefix(), removed);
		}
		return removed;
	}

	private @Nullable Object load(String key, long ttlMillis, RememberPolicy policy, Type type, Callable<?> loader) {
		Arguments.requireText(key, "key");
		Arguments.requireNonNull(loader, "loader");
		policy.requireRefreshBeforeExpiry(this.core.config().defaultTtl());
		return this.core.remembering().remember(this.namespace, key, ttlMillis, policy, type, loader);
	}

	private boolean persistOrExists(byte[] raw) {
		return this.door.await(this.door.persist(raw)) || this.door.await(this.door.exists(raw)) > 0;
	}

	@SuppressWarnings("unchecked")
	private static <T> @Nullable T cast(Class<T> type, @Nullable Object value) {
		// Class.cast rejects boxed values for primitive classes such as int.class
		return (T) ClassUtils.resolvePrimitiveIfNecessary(type).cast(value);
	}

}
