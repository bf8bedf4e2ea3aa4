package io.github.saasframework.cache.autoconfigure;

import java.lang.reflect.Type;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

import io.github.saasframework.cache.Cache.Entry;
import io.github.saasframework.cache.RememberPolicy;
import io.github.saasframework.cache.serializer.CacheSerializationException;
import org.jspecify.annotations.Nullable;

import org.springframework.cache.Cache;
import org.springframework.cache.support.SimpleValueWrapper;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.dao.DataAccessException;

/**
 * One cache of Spring's cache abstraction on the library's
 * {@link io.github.saasframework.cache.Cache}: the cache named {@code books} is
 * {@code cache.withPrefix("books")}, so entries live at {@code <prefix>:books:<key>}, go
 * through the same serializer, metrics, fail-open and single-flight as every other call.
 * <p>
 * Values are read as {@link #type}: the cached method's return type for the views the
 * {@link ReturnTypeCacheResolver} hands to Spring's interceptor, {@code Object} for the
 * cache {@link RedisSpringCacheManager#getCache(String)} returns (then a JSON value comes
 * back as Jackson reads it into {@code Object}: a {@code Map}, {@code List},
 * {@code String}, number or boolean; a value that is not JSON, such as a raw string,
 * comes back as a {@code String}). {@code sync = true} is {@code remember}: one method
 * run per key across every instance.
 * <p>
 * When Redis fails, reads and {@code sync} loads fail open if the cache does (a read is
 * then a miss), and failed writes and evictions are logged at most every 30 s and counted
 * ({@code cache.fail.open}), never thrown into the caller.
 */
final class RedisSpringCache implements Cache {

	private final String name;

	private final io.github.saasframework.cache.Cache store;

	private final RememberPolicy policy;

	private final Type type;

	private final ParameterizedTypeReference<Object> typeReference;

	private final SpringCacheFailures failures;

	private final Executor loadExecutor;

	/** Typed views by value type; only the untyped cache holds them. */
	private final @Nullable ConcurrentMap<Type, RedisSpringCache> views;

	RedisSpringCache(String name, io.github.saasframework.cache.Cache store, RememberPolicy policy,
			SpringCacheFailures failures, Executor loadExecutor) {
		this(name, store, policy, Object.class, failures, loadExecutor, new ConcurrentHashMap<>());
	}

	private RedisSpringCache(String name, io.github.saasframework.cache.Cache store, RememberPolicy policy, Type type,
			SpringCacheFailures failures, Executor loadExecutor,
			@Nullable ConcurrentMap<Type, RedisSpringCache> views) {
		this.name = name;
		this.store = store;
		this.policy = policy;
		this.type = type;
		this.typeReference = ParameterizedTypeReference.forType(type);
		this.failures = failures;
		this.loadExecutor = loadExecutor;
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
		return (found != null) ? found : this.views.computeIfAbsent(valueType, (key) -> new RedisSpringCache(this.name,
				this.store, this.policy, key, this.failures, this.loadExecutor, null));
	}

	Type valueType() {
		return this.type;
	}

	RememberPolicy policy() {
		return this.policy;
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
	public @Nullable ValueWrapper get(Object key) {
		Optional<Entry<Object>> entry = lookup(key, this.typeReference);
		return entry.map((found) -> new SimpleValueWrapper(found.value())).orElse(null);
	}

	@Override
	public <T> @Nullable T get(Object key, @Nullable Class<T> type) {
		Optional<Entry<T>> entry = lookup(key,
				ParameterizedTypeReference.forType((type != null) ? type : Object.class));
		return entry.map(Entry::value).orElse(null);
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
	 * Reads the entry on the calling thread (one {@code GET}) and returns it as a
	 * completed future: the value, a {@link ValueWrapper} holding {@code null} for a
	 * cached {@code null}, or {@code null} in the future for a miss.
	 */
	@Override
	public CompletableFuture<?> retrieve(Object key) {
		Optional<Entry<Object>> entry = lookup(key, this.typeReference);
		if (entry.isEmpty()) {
			return CompletableFuture.completedFuture(null);
		}
		Object value = entry.get().value();
		return CompletableFuture.completedFuture((value != null) ? value : new SimpleValueWrapper(null));
	}

	/**
	 * A hit completes at once; a miss runs {@code remember} (one load per key across
	 * every instance) on the manager's load executor, waiting there for the loader's
	 * future.
	 */
	@Override
	@SuppressWarnings("unchecked")
	public <T> CompletableFuture<T> retrieve(Object key, Supplier<CompletableFuture<T>> valueLoader) {
		Optional<Entry<Object>> entry = lookup(key, this.typeReference);
		if (entry.isPresent()) {
			return CompletableFuture.completedFuture((T) entry.get().value());
		}
		return CompletableFuture.supplyAsync(() -> get(key, () -> valueLoader.get().join()), this.loadExecutor);
	}

	/**
	 * Stores the value with this cache's TTL; {@code null} stores the null marker when
	 * the cache stores nulls, else removes the entry (it no longer holds the method's
	 * result). A Redis failure is logged and counted, not thrown.
	 */
	@Override
	public void put(Object key, @Nullable Object value) {
		String redisKey = SpringCacheKeys.toKey(this.name, key);
		try {
			if (value != null) {
				this.store.set(redisKey, value, this.policy.ttl());
			}
			else if (cacheNulls()) {
				this.store.setNullMarker(redisKey, false);
			}
			else {
				this.store.delete(redisKey);
			}
		}
		catch (DataAccessException ex) {
			this.failures.writeFailed(this.store.prefix(), "put", redisKey, ex);
		}
	}

	/**
	 * {@code SET ... NX}: atomic. Returns the value found when the key existed; a
	 * {@code null} value is stored as the null marker only when the cache stores nulls.
	 */
	@Override
	public @Nullable ValueWrapper putIfAbsent(Object key, @Nullable Object value) {
		String redisKey = SpringCacheKeys.toKey(this.name, key);
		try {
			boolean written;
			if (value != null) {
				written = this.store.setIfAbsent(redisKey, value, this.policy.ttl());
			}
			else if (cacheNulls()) {
				written = this.store.setNullMarker(redisKey, true);
			}
			else {
				written = false;
			}
			if (written) {
				return null;
			}
			return this.store.lookup(redisKey, this.typeReference)
				.map((found) -> new SimpleValueWrapper(found.value()))
				.orElse(null);
		}
		catch (DataAccessException ex) {
			this.failures.writeFailed(this.store.prefix(), "putIfAbsent", redisKey, ex);
			return null;
		}
	}

	@Override
	public void evict(Object key) {
		evictIfPresent(key);
	}

	@Override
	public boolean evictIfPresent(Object key) {
		String redisKey = SpringCacheKeys.toKey(this.name, key);
		try {
			return this.store.delete(redisKey);
		}
		catch (DataAccessException ex) {
			this.failures.writeFailed(this.store.prefix(), "evict", redisKey, ex);
			return false;
		}
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
		try {
			return this.store.flushPrefix() > 0;
		}
		catch (DataAccessException ex) {
			this.failures.writeFailed(this.store.prefix(), "clear", "*", ex);
			return false;
		}
	}

	private boolean cacheNulls() {
		return Boolean.TRUE.equals(this.policy.cacheNulls());
	}

	@SuppressWarnings("unchecked")
	private <T> Optional<Entry<T>> lookup(Object key, ParameterizedTypeReference<T> valueType) {
		String redisKey = SpringCacheKeys.toKey(this.name, key);
		try {
			return this.store.lookup(redisKey, valueType);
		}
		catch (CacheSerializationException ex) {
			if (valueType.getType() != Object.class) {
				throw ex;
			}
			// untyped: a value that is not JSON, such as a raw String, comes back as text
			return this.store.lookup(redisKey, ParameterizedTypeReference.forType(String.class))
				.map((found) -> (Entry<T>) found);
		}
		catch (DataAccessException ex) {
			this.failures.readFailed(this.store.prefix(), redisKey, ex);
			return Optional.empty();
		}
	}

	@Override
	public String toString() {
		return "RedisSpringCache[name='" + this.name + "', prefix='" + this.store.prefix() + "', type="
				+ this.type.getTypeName() + "]";
	}

}
