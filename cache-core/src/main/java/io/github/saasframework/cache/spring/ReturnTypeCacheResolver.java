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
import java.util.concurrent.Future;

import org.springframework.aop.support.AopUtils;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;
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
 * type get the cache's {@linkplain RedisSpringCache#typed(Type, boolean) asynchronous
 * view}, whose writes do not wait. A type variable the target class binds is resolved to
 * that class.
 */
final class ReturnTypeCacheResolver implements CacheResolver {

	private static final Set<Class<?>> WRAPPERS = Set.of(Optional.class, CompletableFuture.class, Future.class);

	private final CacheManager cacheManager;

	private final ConcurrentMap<MethodClassKey, ValueType> valueTypes = new ConcurrentHashMap<>();

	ReturnTypeCacheResolver(CacheManager cacheManager) {
		this.cacheManager = cacheManager;
	}

	@Override
	public Collection<? extends Cache> resolveCaches(CacheOperationInvocationContext<?> context) {
		Set<String> names = context.getOperation().getCacheNames();
		if (names.isEmpty()) {
			throw new IllegalStateException("No cache name for " + context.getOperation()
					+ ": name one on the annotation (@Cacheable(\"books\")) or with @CacheConfig on the class");
		}
		ValueType valueType = valueType(context.getMethod(), AopUtils.getTargetClass(context.getTarget()));
		List<Cache> caches = new ArrayList<>(names.size());
		for (String name : names) {
			Cache cache = this.cacheManager.getCache(name);
			if (cache == null) {
				throw new IllegalArgumentException(
						"Cannot find cache named '" + name + "' for " + context.getOperation());
			}
			caches.add((cache instanceof RedisSpringCache typed) ? typed.typed(valueType.type(), valueType.async())
					: cache);
		}
		return caches;
	}

	ValueType valueType(Method method, Class<?> targetClass) {
		MethodClassKey key = new MethodClassKey(method, targetClass);
		ValueType found = this.valueTypes.get(key);
		return (found != null) ? found : this.valueTypes.computeIfAbsent(key,
				(k) -> new ValueType(resolve(method, targetClass), isAsync(method.getReturnType())));
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

	/** What a method's values are read as, and whether its result is asynchronous. */
	record ValueType(Type type, boolean async) {
	}

}
