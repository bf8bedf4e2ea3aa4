package io.github.saasframework.cache.spring;

import java.lang.reflect.Type;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

import io.github.saasframework.cache.RememberPolicy;
import io.github.saasframework.cache.internal.Arguments;
import io.github.saasframework.cache.internal.KeyNamespace;
import io.github.saasframework.cache.internal.ReadBackGuard;
import io.github.saasframework.cache.internal.StoredValue;
import io.github.saasframework.cache.internal.ThrottledLog;
import io.github.saasframework.cache.internal.redis.Outages;
import io.github.saasframework.cache.internal.core.CacheCore;
import io.github.saasframework.cache.internal.core.CacheInternals;
import io.github.saasframework.cache.internal.store.ValueStore;
import io.github.saasframework.cache.serializer.CacheSerializationException;
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
 * An entry that cannot be read as the value type (written by an older shape of the class)
 * is a miss on every read path: the method runs and its value replaces the entry; counted
 * and logged at most every 30 seconds. A view for one cached method ({@link #forMethod})
 * also never stores a value that cannot be read back as the method's type
 * ({@link ReadBackGuard}): the call runs without the cache instead. With
 * {@code refreshAfter}, a view bound to one invocation ({@link #withInvocation}) answers
 * a stale hit at once and reloads the entry in the background by calling the method again
 * with the same target and arguments, once across every instance (the load lease of
 * {@code remember}).
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
 * {@code Flux} ({@link #forMethod(ReadBackGuard, boolean) asynchronous views}) write
 * without waiting ({@link #put}, {@link #evict} and {@link #clear} may be deferred by
 * Spring's contract): Spring's interceptor calls them on the thread that completes the
 * method's result, which may be an event loop. A write that fails then is logged (at most
 * every 30 s) and counted as fail-open when Redis was unreachable;
 * {@link #evictIfPresent} and {@link #invalidate} stay immediate.
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

	private final long ttlMillis;

	/** What keeps a method's unreadable values out of the cache; none when untyped. */
	private final @Nullable ReadBackGuard guard;

	/** The policy of {@code sync = true}: the cache's, with the guard's veto. */
	private final RememberPolicy syncPolicy;

	/** The call whose stale hits reload in the background; none for shared views. */
	private final @Nullable CachedInvocation invocation;

	/**
	 * The failures of loaders this cache handed back (weakly held, by identity): Spring
	 * passes a {@code sync = true} method's failure to the error handler too, which must
	 * not take a method's own {@code QueryTimeoutException} for a Redis outage.
	 */
	private final Map<Throwable, Boolean> loaderFailures = Collections.synchronizedMap(new WeakHashMap<>());

	RedisSpringCache(String name, io.github.saasframework.cache.Cache store, RememberPolicy policy) {
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
		this.type = Object.class;
		this.async = false;
		this.typeReference = ParameterizedTypeReference.forType(Object.class);
		this.ttlMillis = found.ttls().millis(policy.ttl());
		this.guard = null;
		this.syncPolicy = policy;
		this.invocation = null;
	}

	private RedisSpringCache(RedisSpringCache cache, Type type, boolean async, @Nullable ReadBackGuard guard,
			@Nullable CachedInvocation invocation) {
		super(true);
		this.name = cache.name;
		this.store = cache.store;
		this.core = cache.core;
		this.namespace = cache.namespace;
		this.policy = cache.policy;
		this.ttlMillis = cache.ttlMillis;
		this.type = type;
		this.async = async;
		this.typeReference = (type == cache.type) ? cache.typeReference : ParameterizedTypeReference.forType(type);
		this.guard = guard;
		this.syncPolicy = (guard == null || guard == cache.guard) ? cache.syncPolicy
				: this.policy.unless((value) -> !mayStore(guard, value));
		this.invocation = invocation;
	}

	/**
	 * This cache as one cached method sees it: values read as the method's value type
	 * (what it returns, or emits when it returns a future or a publisher), and only
	 * values that read back as it stored; writes that do not wait for a method whose
	 * result is asynchronous. Same name, same entries.
	 */
	RedisSpringCache forMethod(ReadBackGuard methodGuard, boolean asynchronous) {
		return new RedisSpringCache(this, methodGuard.declaredType(), asynchronous, methodGuard, null);
	}

	boolean isAsync() {
		return this.async;
	}

	/**
	 * This view for one invocation, whose stale hits reload by calling it again.
	 */
	RedisSpringCache withInvocation(CachedInvocation call) {
		return new RedisSpringCache(this, this.type, this.async, this.guard, call);
	}

	/** Whether stale hits of this cache are reloaded in the background. */
	boolean refreshes() {
		return !this.policy.refreshAfter().isZero();
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

	/**
	 * Whether a failure is one a loader of this cache's {@code retrieve} handed back
	 * (also in the {@code CompletionException} a future wraps it in).
	 */
	boolean isLoaderFailure(Throwable failure) {
		return this.loaderFailures.containsKey(unwrap(failure));
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

	/**
	 * The entry, read as the value type; a miss for an entry that cannot be read that way
	 * (and always for a method whose values cannot be read back, so that it runs). A
	 * stale hit of a view bound to an invocation starts one background reload.
	 */
	@Override
	protected @Nullable Object lookup(Object key) {
		String redisKey = SpringCacheKeys.toKey(this.name, key);
		if (this.guard != null && !this.guard.typeReadable()) {
			return null;
		}
		CachedInvocation call = this.invocation;
		return read(redisKey, this.type, (call != null) ? call::reload : null);
	}

	@Override
	public <T> @Nullable T get(Object key, @Nullable Class<T> type) {
		Object value = fromStoreValue(
				read(SpringCacheKeys.toKey(this.name, key), (type != null) ? type : Object.class, null));
		if (value != null && type != null && !type.isInstance(value)) {
			throw new IllegalStateException("Cached value is not of required type [" + type.getName() + "]: " + value);
		}
		@SuppressWarnings("unchecked")
		T typed = (T) value;
		return typed;
	}

	/**
	 * {@code remember}: one load per key across every instance; an entry that cannot be
	 * read is a miss. The loader's failure is thrown as a {@link ValueRetrievalException}
	 * whose cause is the loader's exception.
	 */
	@Override
	@SuppressWarnings("unchecked")
	public <T> @Nullable T get(Object key, Callable<T> valueLoader) {
		String redisKey = SpringCacheKeys.toKey(this.name, key);
		Callable<T> loader = () -> {
			try {
				return valueLoader.call();
			}
			catch (Exception ex) {
				throw new ValueRetrievalException(key, valueLoader, ex);
			}
		};
		if (this.guard != null && !this.guard.typeReadable()) {
			uncached();
			try {
				return valueLoader.call();
			}
			catch (Exception ex) {
				throw new ValueRetrievalException(key, valueLoader, ex);
			}
		}
		return (T) this.store.remember(redisKey, this.syncPolicy, this.typeReference, loader);
	}

	/**
	 * Reads the entry without blocking: the value, a {@link SimpleValueWrapper} holding
	 * {@code null} for a cached {@code null}, or {@code null} in the future for a miss.
	 */
	@Override
	public CompletableFuture<?> retrieve(Object key) {
		String redisKey = SpringCacheKeys.toKey(this.name, key);
		if (this.guard != null && !this.guard.typeReadable()) {
			return CompletableFuture.completedFuture(null);
		}
		CachedInvocation call = this.invocation;
		boolean refresh = call != null && refreshes();
		CompletableFuture<@Nullable Object> read = this.core.store()
			.findAsync(this.namespace, redisKey, refresh)
			.thenApply((found) -> {
				if (found == null) {
					return null;
				}
				Object value;
				try {
					value = found.value(redisKey, this.type, this.core.codec());
				}
				catch (CacheSerializationException ex) {
					this.core.remembering().noteUnreadable(this.namespace, redisKey, ex);
					return null;
				}
				if (refresh) {
					refreshIfStale(redisKey, found, call);
				}
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
			// Spring's interceptor calls the method on the thread that completes a miss
			// or
			// a failure: never one of Lettuce's
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
		if (this.guard != null && !this.guard.typeReadable()) {
			uncached();
			return valueLoader.get();
		}
		// the loader's own failure reaches the caller as it is, as Spring's caches give
		// it
		return (CompletableFuture<T>) this.core.remembering()
			.rememberAsync(this.namespace, redisKey, ttlMillis, this.syncPolicy, this.type,
					() -> LoaderFailure.carry(valueLoader.get(), (failure) -> this.loaderFailures.put(failure, true)))
			.exceptionallyCompose(LoaderFailure::unwrap);
	}

	/**
	 * Stores the value with this cache's TTL; {@code null} (or {@link NullValue}) stores
	 * the null marker when the cache stores nulls, else removes the entry (it no longer
	 * holds the method's result).
	 */
	@Override
	public void put(Object key, @Nullable Object value) {
		String redisKey = SpringCacheKeys.toKey(this.name, key);
		if (value != null && !(value instanceof NullValue)) {
			if (this.guard != null && !mayStore(this.guard, value)) {
				// what the method returned is not stored: neither may an older value stay
				if (this.async) {
					notifyFailure("put", key, this.store.async().delete(redisKey));
				}
				else {
					this.store.delete(redisKey);
				}
				return;
			}
			if (this.async) {
				putWithoutWaiting(key, redisKey, value);
				return;
			}
			this.store.set(redisKey, value, this.policy.ttl());
		}
		else if (this.async) {
			putWithoutWaiting(key, redisKey, null);
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
		if (value != null && !(value instanceof NullValue)) {
			if (this.guard != null && !mayStore(this.guard, value)) {
				return toValueWrapper(read(redisKey, this.type, null));
			}
			written = this.store.setIfAbsent(redisKey, value, this.policy.ttl());
		}
		else if (cacheNulls()) {
			written = this.core.remembering().storeNullMarker(this.namespace.rawKey(redisKey), true);
		}
		else {
			written = false;
		}
		if (written) {
			return null;
		}
		Object existing = read(redisKey, this.type, null);
		if (existing == null && value != null && !(value instanceof NullValue) && this.store.exists(redisKey) > 0) {
			// an entry that cannot be read is replaced, as a miss is
			this.store.set(redisKey, value, this.policy.ttl());
		}
		return toValueWrapper(existing);
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
	 * Whether the guard lets a value be stored; a refusal is counted (the guard logs it).
	 */
	private boolean mayStore(ReadBackGuard methodGuard, Object value) {
		if (methodGuard.mayStore(value)) {
			return true;
		}
		uncached();
		return false;
	}

	/**
	 * Counts a call that runs without the cache because its value cannot be read back.
	 */
	private void uncached() {
		this.core.config().metricsRecorder().recordUnreadableValue(this.namespace.metricsPrefix());
	}

	private void refreshIfStale(String redisKey, StoredValue found, CachedInvocation call) {
		this.core.remembering()
			.refreshIfStale(this.namespace, redisKey, found, this.ttlMillis, this.syncPolicy, call::reload);
	}

	/**
	 * The store value of an entry: {@code null} for a miss (or an entry that cannot be
	 * read as {@code valueType}), {@link NullValue} for a cached {@code null}, else the
	 * value read as {@code valueType}.
	 */
	private @Nullable Object read(String redisKey, Type valueType, @Nullable Callable<?> reloader) {
		Object value = this.core.remembering()
			.lookup(this.namespace, redisKey, valueType, this.ttlMillis, this.syncPolicy, reloader);
		if (value == ValueStore.ABSENT) {
			return null;
		}
		return (value != null) ? value : NullValue.INSTANCE;
	}

}
