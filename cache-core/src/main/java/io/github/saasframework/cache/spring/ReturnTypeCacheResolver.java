package io.github.saasframework.cache.spring;

import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import io.github.saasframework.cache.internal.ReadBackGuard;
import io.github.saasframework.cache.serializer.CacheSerializer;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.AopUtils;
import org.springframework.cache.Cache;
import org.springframework.cache.interceptor.CacheOperationInvocationContext;
import org.springframework.cache.interceptor.CacheResolver;
import org.springframework.core.MethodClassKey;
import org.springframework.core.ReactiveAdapter;
import org.springframework.core.ReactiveAdapterRegistry;
import org.springframework.core.ResolvableType;
import org.springframework.util.ClassUtils;

/**
 * Hands Spring's cache interceptor the caches of the {@link RedisSpringCacheManager}
 * typed by the invoked method's generic return type, so that values are read back as what
 * the method returns or emits ({@code List<Book>} as {@code List<Book>}), from plain JSON
 * without type metadata. {@code Optional<T>}, {@code CompletableFuture<T>} and
 * {@code Mono<T>} methods cache the {@code T}, {@code Flux<T>} methods a {@code List<T>}:
 * Spring unwraps them before {@code put} (collecting a {@code Flux}) and wraps the cached
 * value again on a hit. Methods that return a {@code CompletableFuture} or a reactive
 * type get views whose writes do not wait. A type variable the target class binds is
 * resolved to that class.
 * <p>
 * Per method (and target class) it keeps one view of each named cache, with the method's
 * {@link ReadBackGuard}: a method whose values cannot be read back as its type runs
 * without the cache, and the {@link RedisSpringCacheManager} asks for every cached
 * method's verdict at startup. For a cache with {@code refreshAfter}, the view handed out
 * is bound to the invocation, so a stale hit can reload by calling the method again.
 */
final class ReturnTypeCacheResolver implements CacheResolver {

	private static final Set<Class<?>> WRAPPERS = Set.of(Optional.class, CompletableFuture.class, Future.class);

	private final RedisSpringCacheManager cacheManager;

	private final ConcurrentMap<MethodClassKey, CachedMethod> methods = new ConcurrentHashMap<>();

	ReturnTypeCacheResolver(RedisSpringCacheManager cacheManager) {
		this.cacheManager = cacheManager;
	}

	@Override
	public Collection<? extends Cache> resolveCaches(CacheOperationInvocationContext<?> context) {
		Set<String> names = context.getOperation().getCacheNames();
		if (names.isEmpty()) {
			throw new IllegalStateException("No cache name for " + context.getOperation()
					+ ": name one on the annotation (@Cacheable(\"books\")) or with @CacheConfig on the class");
		}
		CachedMethod method = method(context.getMethod(), AopUtils.getTargetClass(context.getTarget()));
		List<Cache> caches = new ArrayList<>(names.size());
		for (String name : names) {
			Cache cache = method.view(name);
			if (cache == null) {
				throw new IllegalArgumentException(
						"Cannot find cache named '" + name + "' for " + context.getOperation());
			}
			if (method.reloadable && cache instanceof RedisSpringCache redis && redis.refreshes()) {
				cache = redis.withInvocation(new CachedInvocation(context.getTarget(), context.getMethod(),
						context.getArgs(), this.cacheManager.reloadWait()));
			}
			caches.add(cache);
		}
		return caches;
	}

	/**
	 * Whether values of a cached method can be read back as its type; asked at startup
	 * for every {@code @Cacheable} and {@code @CachePut} method (a problem is logged
	 * then, once).
	 */
	boolean readable(Method method, Class<?> targetClass) {
		return method(method, targetClass).guard.typeReadable();
	}

	Type valueType(Method method, Class<?> targetClass) {
		return method(method, targetClass).guard.declaredType();
	}

	private CachedMethod method(Method method, Class<?> targetClass) {
		MethodClassKey key = new MethodClassKey(method, targetClass);
		CachedMethod found = this.methods.get(key);
		return (found != null) ? found : this.methods.computeIfAbsent(key,
				(k) -> new CachedMethod(method, targetClass, this.cacheManager.serializer()));
	}

	static Type resolve(Method method, Class<?> targetClass) {
		ResolvableType returnType = ResolvableType.forMethodReturnType(method, targetClass);
		Class<?> raw = returnType.resolve(Object.class);
		if (raw == void.class || raw == Void.class) {
			return Object.class;
		}
		ReactiveAdapter adapter = ReactiveAdapterRegistry.getSharedInstance().getAdapter(raw);
		if (adapter != null && !adapter.isNoValue() && returnType.hasGenerics()) {
			ResolvableType element = returnType.getGeneric(0);
			// Spring caches what a multi-value publisher emits as a list
			returnType = adapter.isMultiValue() ? ResolvableType.forClassWithGenerics(List.class, element) : element;
		}
		else if (WRAPPERS.contains(raw)) {
			returnType = returnType.as(raw).getGeneric(0);
		}
		Type type = returnType.getType();
		if (isConcrete(type)) {
			return (type instanceof Class<?> cls) ? ClassUtils.resolvePrimitiveIfNecessary(cls) : type;
		}
		return ClassUtils.resolvePrimitiveIfNecessary(returnType.resolve(Object.class));
	}

	private static boolean isConcrete(Type type) {
		if (type instanceof Class<?>) {
			return true;
		}
		if (type instanceof ParameterizedType parameterized) {
			for (Type argument : parameterized.getActualTypeArguments()) {
				if (!isConcrete(argument)) {
					return false;
				}
			}
			return true;
		}
		if (type instanceof GenericArrayType array) {
			return isConcrete(array.getGenericComponentType());
		}
		return false;
	}

	/**
	 * Whether Spring's interceptor handles the method's result asynchronously: a
	 * {@code CompletableFuture} or a type of the {@link ReactiveAdapterRegistry}
	 * ({@code Mono}, {@code Flux}, ...).
	 */
	static boolean isAsync(Class<?> returnType) {
		return CompletableFuture.class.isAssignableFrom(returnType)
				|| ReactiveAdapterRegistry.getSharedInstance().getAdapter(returnType) != null;
	}

	/** {@code com.example.Books.find(long)}, for messages. */
	static String describe(Method method, Class<?> targetClass) {
		return ClassUtils.getUserClass(targetClass).getName() + "." + method.getName()
				+ java.util.Arrays.stream(method.getParameterTypes())
					.map(Class::getSimpleName)
					.collect(Collectors.joining(", ", "(", ")"));
	}

	/**
	 * What the resolver keeps of one cached method: its value type and guard, and its
	 * view of each cache it names.
	 */
	private final class CachedMethod {

		private final ReadBackGuard guard;

		/**
		 * Whether the method can be called again for a reload: a value, an
		 * {@code Optional}, a future, or a reactive type where Reactor is present (Spring
		 * caches reactive results only then).
		 */
		private final boolean reloadable;

		/** Whether Spring handles the method's result asynchronously. */
		private final boolean async;

		private final ConcurrentMap<String, Cache> views = new ConcurrentHashMap<>();

		CachedMethod(Method method, Class<?> targetClass, CacheSerializer serializer) {
			this.guard = new ReadBackGuard(describe(method, targetClass), resolve(method, targetClass), serializer);
			Class<?> returnType = method.getReturnType();
			this.async = isAsync(returnType);
			this.reloadable = CachedInvocation.REACTOR_PRESENT || CompletionStage.class.isAssignableFrom(returnType)
					|| ReactiveAdapterRegistry.getSharedInstance().getAdapter(returnType) == null;
		}

		@Nullable Cache view(String name) {
			Cache found = this.views.get(name);
			if (found != null) {
				return found;
			}
			Cache cache = ReturnTypeCacheResolver.this.cacheManager.getCache(name);
			if (cache == null) {
				return null;
			}
			Cache view = (cache instanceof RedisSpringCache redis) ? redis.forMethod(this.guard, this.async) : cache;
			Cache raced = this.views.putIfAbsent(name, view);
			return (raced != null) ? raced : view;
		}

	}

}
