package io.github.saasframework.cache.spring;

import java.lang.reflect.Type;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;

import io.github.saasframework.cache.RememberPolicy;
import io.github.saasframework.cache.internal.Arguments;
import io.github.saasframework.cache.internal.ThrottledLog;
import io.github.saasframework.cache.internal.core.CacheCore;
import io.github.saasframework.cache.internal.core.CacheInternals;
import io.github.saasframework.cache.internal.KeyNamespace;
import io.github.saasframework.cache.internal.redis.Outages;
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
 * library's non-blocking door. A hit completes on the thread that read it; a miss or a
 * failure completes on one of the cache's loader threads, since Spring's interceptor then
 * calls the method on the completing thread, which must not be one of Lettuce's.
 * <p>
 * The views for methods that return a {@code CompletableFuture}, {@code Mono} or
 * {@code Flux} ({@link #typed(Type, boolean) asynchronous views}) write without waiting
 * ({@link #put}, {@link #evict} and {@link #clear} may be deferred by Spring's contract):
 * Spring's interceptor calls them on the thread that completes the method's result, which
 * may be an event loop. A write that fails then is logged (at most every 30 s) and
 * counted as fail-open when Redis was unreachable; {@link #evictIfPresent} and
 * {@link #invalidate} stay immediate.
 */
final class RedisSpringCache extends AbstractValueAdaptingCache {

	private final String name;

	private final io.github.saasframework.cache.Cache store;

	private final CacheCore core;

	private final KeyNamespace namespace;

	private final RememberPolicy policy;

	private static final ThrottledLog asyncWriteFailures = new ThrottledLog(RedisSpringCache.class);

	private final Type type;

	/** Whether this view serves asynchronous methods: its writes do not wait. */
	private final boolean async;

	private final ParameterizedTypeReference<Object> typeReference;

	/** Typed views by value type; only the untyped cache holds them. */
	private final @Nullable ConcurrentMap<View, RedisSpringCache> views;

	RedisSpringCache(String name, io.github.saasframework.cache.Cache store, RememberPolicy policy) {
		this(name, store, policy, new View(Object.class, false), new ConcurrentHashMap<>());
	}

	private RedisSpringCache(String name, io.github.saasframework.cache.Cache store, RememberPolicy policy, View view,
			@Nullable ConcurrentMap<View, RedisSpringCache> views) {
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
		this.type = view.type();
		this.async = view.async();
		this.typeReference = ParameterizedTypeReference.forType(this.type);
		this.views = views;
	}

	/**
	 * This cache reading values as {@code valueType}; same name, same entries.
	 */
	RedisSpringCache typed(Type valueType) {
		return typed(valueType, false);
	}

	/**
	 * This cache reading values as {@code valueType}, for a method that returns them
	 * directly or (when {@code async}) through a future or a reactive publisher, whose
	 * writes then do not wait for Redis; same name, same entries.
	 */
	RedisSpringCache typed(Type valueType, boolean async) {
		if ((valueType.equals(this.type) && async == this.async) || this.views == null) {
			return this;
		}
		View view = new View(valueType, async);
		RedisSpringCache found = this.views.get(view);
		return (found != null) ? found : this.views.computeIfAbsent(view,
				(key) -> new RedisSpringCache(this.name, this.store, this.policy, key, null));
	}

	boolean isAsync() {
		return this.async;
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
		CompletableFuture<@Nullable Object> read = this.core.store()
			.findAsync(this.namespace, redisKey, false)
			.thenApply((found) -> {
				if (found == null) {
					return null;
				}
				Object value = found.value(redisKey, this.type, this.core.codec());
				return (value != null) ? value : new SimpleValueWrapper(null);
			});
		if (read.isDone() && !read.isCompletedExceptionally() && read.getNow(null) != null) {
			// a hit from memory
			return read;
		}
		CompletableFuture<@Nullable Object> result = new CompletableFuture<>();
		read.whenComplete((value, failure) -> {
			if (failure == null && value != null) {
				result.complete(value);
				return;
			}
			Runnable completion = () -> {
				if (failure != null) {
					result.completeExceptionally(unwrap(failure));
				}
				else {
					result.complete(null);
				}
			};
			try {
				this.core.loaders().execute(completion);
			}
			catch (RejectedExecutionException ex) {
				// the cache is closing
				completion.run();
			}
		});
		return result;
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
		if (this.async) {
			putWithoutWaiting(key, redisKey, (value != NullValue.INSTANCE) ? value : null);
			return;
		}
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
		if (this.async) {
			notifyFailure("evict", key, this.store.async().delete(SpringCacheKeys.toKey(this.name, key)));
			return;
		}
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
		if (this.async) {
			CompletableFuture<Boolean> cleared;
			try {
				cleared = CompletableFuture.supplyAsync(this::invalidate, this.core.loaders());
			}
			catch (RejectedExecutionException ex) {
				cleared = CompletableFuture.failedFuture(ex);
			}
			notifyFailure("clear", "*", cleared);
			return;
		}
		invalidate();
	}

	@Override
	public boolean invalidate() {
		return this.store.flushPrefix() > 0;
	}

	@Override
	public String toString() {
		return "RedisSpringCache[name='" + this.name + "', prefix='" + this.store.prefix() + "', type="
				+ this.type.getTypeName() + (this.async ? ", async" : "") + "]";
	}

	/**
	 * Stores a value (or the null marker, or removes the entry for a {@code null} the
	 * cache does not store) without waiting; a value that cannot be serialized throws at
	 * once.
	 */
	private void putWithoutWaiting(Object key, String redisKey, @Nullable Object value) {
		CompletableFuture<?> write;
		if (value == null && !cacheNulls()) {
			write = this.store.async().delete(redisKey);
		}
		else {
			write = this.core.remembering()
				.storeAsync(this.namespace, redisKey, this.namespace.rawKey(redisKey),
						this.core.ttls().millis(this.policy.ttl()), this.policy, value);
		}
		notifyFailure("put", key, write);
	}

	/**
	 * Logs a write that failed after the caller went on (at most every 30 s), counted as
	 * fail-open when Redis was unreachable.
	 */
	private void notifyFailure(String operation, Object key, CompletableFuture<?> write) {
		write.whenComplete((done, failure) -> {
			if (failure == null) {
				return;
			}
			Throwable cause = unwrap(failure);
			if (Outages.isOutage(cause)) {
				this.core.config().metricsRecorder().recordFailOpen(metricsPrefix(), cause);
			}
			asyncWriteFailures.warn(() -> "Redis failed during " + operation + " of key "
					+ Arguments.quote(String.valueOf(key)) + " in cache '" + this.name
					+ "' after the method's result was handed on; it went on without it. Reason: "
					+ Outages.describe(cause));
		});
	}

	private static Throwable unwrap(Throwable failure) {
		Throwable current = failure;
		while (current instanceof CompletionException && current.getCause() != null) {
			current = current.getCause();
		}
		return current;
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

	/** What a view reads values as, and whether its writes wait. */
	private record View(Type type, boolean async) {
	}

}
