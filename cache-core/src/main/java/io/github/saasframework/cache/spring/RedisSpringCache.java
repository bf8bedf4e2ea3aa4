package io.github.saasframework.cache.spring;

import java.lang.reflect.Type;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;

import io.github.saasframework.cache.RememberPolicy;
import io.github.saasframework.cache.internal.core.CacheCore;
import io.github.saasframework.cache.internal.core.CacheInternals;
import io.github.saasframework.cache.internal.KeyNamespace;
import io.github.saasframework.cache.internal.store.ValueStore;
import org.jspecify.annotations.Nullable;

import org.springframework.cache.support.AbstractValueAdaptingCache;
import org.springframework.cache.support.NullValue;
import org.springframework.cache.support.SimpleValueWrapper;
import org.springframework.core.ParameterizedTypeReference;

/**
 * One cache of Spring's cache abstraction on the library's
 * {@link io.github.saasframework.cache.Cache}: the cache named {@code books} is
 * {@code cache.withPrefix("books")}, so entries live at {@code <prefix>:books:<key>} and
 * go through the same read path, serializer, near cache, meters, fail-open and
 * single-flight as every other call.
 * <p>
 * Values are read as {@link #valueType()}: the cached method's return type for the views
 * the {@link ReturnTypeCacheResolver} hands to Spring's interceptor, {@code Object} for
 * the cache {@link RedisSpringCacheManager#getCache(String)} returns (then the serializer
 * reads untyped: JSON as Jackson's natural types, raw text that is not JSON as a
 * {@code String}). A cached {@code null} is the null marker of {@code remember}, read
 * back as {@link NullValue}. {@code sync = true} is {@code remember}: one method run per
 * key across every instance.
 * <p>
 * Redis failures are thrown as Spring's {@code DataAccessException}s: Spring's
 * interceptor hands them to the {@code CacheErrorHandler} (the manager's
 * {@link RedisSpringCacheManager#errorHandler()} unless the application has its own),
 * which decides whether the method then runs without the cache. {@link #retrieve(Object)}
 * and {@link #retrieve(Object, Supplier)} never block: their futures come from the
 * library's non-blocking door.
 */
final class RedisSpringCache extends AbstractValueAdaptingCache {

	private final String name;

	private final io.github.saasframework.cache.Cache store;

	private final CacheCore core;

	private final KeyNamespace namespace;

	private final RememberPolicy policy;

	private final Type type;

	private final ParameterizedTypeReference<Object> typeReference;

	/** Typed views by value type; only the untyped cache holds them. */
	private final @Nullable ConcurrentMap<Type, RedisSpringCache> views;

	RedisSpringCache(String name, io.github.saasframework.cache.Cache store, RememberPolicy policy) {
		this(name, store, policy, Object.class, new ConcurrentHashMap<>());
	}

	private RedisSpringCache(String name, io.github.saasframework.cache.Cache store, RememberPolicy policy, Type type,
			@Nullable ConcurrentMap<Type, RedisSpringCache> views) {
		// null values are adapted on every read (a null marker may have been written by a
		// cache that stores nulls); whether a null is stored is the policy's
		super(true);
		this.name = name;
		this.store = store;
		CacheCore found = CacheInternals.core(store);
		KeyNamespace foundNamespace = CacheInternals.namespace(store);
		if (found == null || foundNamespace == null) {
			throw new IllegalArgumentException("Spring's cache bridge needs a cache made by RedisCache.create, not a "
					+ store.getClass().getName());
		}
		this.core = found;
		this.namespace = foundNamespace;
		this.policy = policy;
		this.type = type;
		this.typeReference = ParameterizedTypeReference.forType(type);
		this.views = views;
	}

	/**
	 * This cache reading values as {@code valueType}; same name, same entries.
	 */
	RedisSpringCache typed(Type valueType) {
		if (valueType.equals(this.type) || this.views == null) {
			return this;
		}
		RedisSpringCache found = this.views.get(valueType);
		return (found != null) ? found : this.views.computeIfAbsent(valueType,
				(key) -> new RedisSpringCache(this.name, this.store, this.policy, key, null));
	}

	Type valueType() {
		return this.type;
	}

	RememberPolicy policy() {
		return this.policy;
	}

	/** The metrics prefix of this cache's namespace. */
	String metricsPrefix() {
		return this.namespace.metricsPrefix();
	}

	/** Whether a read that failed on an outage may be answered by running the method. */
	boolean failsOpen() {
		return this.core.config().remember().failOpen();
	}

	CacheCore core() {
		return this.core;
	}

	@Override
	public String getName() {
		return this.name;
	}

	/**
	 * The library's cache under this cache's prefix.
	 * @return the {@link io.github.saasframework.cache.Cache}
	 */
	@Override
	public io.github.saasframework.cache.Cache getNativeCache() {
		return this.store;
	}

	@Override
	protected @Nullable Object lookup(Object key) {
		return read(SpringCacheKeys.toKey(this.name, key), this.type);
	}

	@Override
	public <T> @Nullable T get(Object key, @Nullable Class<T> type) {
		Object value = fromStoreValue(
				read(SpringCacheKeys.toKey(this.name, key), (type != null) ? type : Object.class));
		if (value != null && type != null && !type.isInstance(value)) {
			throw new IllegalStateException("Cached value is not of required type [" + type.getName() + "]: " + value);
		}
		@SuppressWarnings("unchecked")
		T typed = (T) value;
		return typed;
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> @Nullable T get(Object key, Callable<T> valueLoader) {
		String redisKey = SpringCacheKeys.toKey(this.name, key);
		return (T) this.store.remember(redisKey, this.policy, this.typeReference, () -> {
			try {
				return valueLoader.call();
			}
			catch (Exception ex) {
				throw new ValueRetrievalException(key, valueLoader, ex);
			}
		});
	}

	/**
	 * Reads the entry without blocking: the value, a {@link SimpleValueWrapper} holding
	 * {@code null} for a cached {@code null}, or {@code null} in the future for a miss.
	 */
	@Override
	public CompletableFuture<?> retrieve(Object key) {
		String redisKey = SpringCacheKeys.toKey(this.name, key);
		return this.core.store().findAsync(this.namespace, redisKey, false).thenApply((found) -> {
			if (found == null) {
				return null;
			}
			Object value = found.value(redisKey, this.type, this.core.codec());
			return (value != null) ? value : new SimpleValueWrapper(null);
		});
	}

	/**
	 * A hit completes at once; a miss runs the non-blocking {@code remember} (one load
	 * per key across every instance), composing on the loader's future.
	 */
	@Override
	@SuppressWarnings("unchecked")
	public <T> CompletableFuture<T> retrieve(Object key, Supplier<CompletableFuture<T>> valueLoader) {
		String redisKey = SpringCacheKeys.toKey(this.name, key);
		this.policy.requireRefreshBeforeExpiry(this.core.config().defaultTtl());
		long ttlMillis = this.core.ttls().millis(this.policy.ttl());
		return (CompletableFuture<T>) this.core.remembering()
			.rememberAsync(this.namespace, redisKey, ttlMillis, this.policy, this.type, valueLoader::get);
	}

	/**
	 * Stores the value with this cache's TTL; {@code null} (or {@link NullValue}) stores
	 * the null marker when the cache stores nulls, else removes the entry (it no longer
	 * holds the method's result).
	 */
	@Override
	public void put(Object key, @Nullable Object value) {
		String redisKey = SpringCacheKeys.toKey(this.name, key);
		if (value != null && value != NullValue.INSTANCE) {
			this.store.set(redisKey, value, this.policy.ttl());
		}
		else if (cacheNulls()) {
			this.core.remembering().storeNullMarker(this.namespace.rawKey(redisKey), false);
		}
		else {
			this.store.delete(redisKey);
		}
	}

	/**
	 * {@code SET ... NX}: atomic. Returns the value found when the key existed; a
	 * {@code null} value is stored as the null marker only when the cache stores nulls.
	 */
	@Override
	public @Nullable ValueWrapper putIfAbsent(Object key, @Nullable Object value) {
		String redisKey = SpringCacheKeys.toKey(this.name, key);
		boolean written;
		if (value != null && value != NullValue.INSTANCE) {
			written = this.store.setIfAbsent(redisKey, value, this.policy.ttl());
		}
		else if (cacheNulls()) {
			written = this.core.remembering().storeNullMarker(this.namespace.rawKey(redisKey), true);
		}
		else {
			written = false;
		}
		return written ? null : toValueWrapper(read(redisKey, this.type));
	}

	@Override
	public void evict(Object key) {
		evictIfPresent(key);
	}

	@Override
	public boolean evictIfPresent(Object key) {
		return this.store.delete(SpringCacheKeys.toKey(this.name, key));
	}

	/**
	 * Removes this cache's keys, and only those: {@code SCAN} of
	 * {@code <prefix>:<name>:*} and {@code UNLINK}, on every master.
	 */
	@Override
	public void clear() {
		invalidate();
	}

	@Override
	public boolean invalidate() {
		return this.store.flushPrefix() > 0;
	}

	@Override
	public String toString() {
		return "RedisSpringCache[name='" + this.name + "', prefix='" + this.store.prefix() + "', type="
				+ this.type.getTypeName() + "]";
	}

	private boolean cacheNulls() {
		return this.core.remembering().cacheNulls(this.policy);
	}

	/**
	 * The store value of an entry: {@code null} for a miss, {@link NullValue} for a
	 * cached {@code null}, else the value read as {@code valueType}.
	 */
	private @Nullable Object read(String redisKey, Type valueType) {
		Object value = this.core.store().get(this.namespace, redisKey, valueType);
		if (value == ValueStore.ABSENT) {
			return null;
		}
		return (value != null) ? value : NullValue.INSTANCE;
	}

}
