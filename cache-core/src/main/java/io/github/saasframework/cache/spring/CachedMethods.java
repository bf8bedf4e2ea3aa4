package io.github.saasframework.cache.spring;

import java.lang.reflect.Method;
import java.util.Collection;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.aop.framework.AopProxyUtils;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.cache.interceptor.CacheAspectSupport;
import org.springframework.cache.interceptor.CacheOperation;
import org.springframework.cache.interceptor.CacheOperationSource;
import org.springframework.cache.interceptor.CachePutOperation;
import org.springframework.cache.interceptor.CacheableOperation;
import org.springframework.core.MethodIntrospector;
import org.springframework.util.StringUtils;

/**
 * Walks the application's singletons at startup for the methods Spring's
 * {@link CacheOperationSource} reports as {@code @Cacheable} or {@code @CachePut}, and
 * asks the {@link ReturnTypeCacheResolver} whether each one's values can be read back
 * (which logs a method that cannot, once). Only when Spring's cache interceptor uses that
 * resolver, and only for operations that name no cache manager or resolver of their own.
 * Lazy and non-singleton beans are checked on their first call instead.
 */
final class CachedMethods {

	private CachedMethods() {
	}

	static void check(ListableBeanFactory beanFactory, ReturnTypeCacheResolver resolver) {
		if (!(beanFactory instanceof ConfigurableListableBeanFactory factory)) {
			return;
		}
		for (CacheAspectSupport interceptor : factory.getBeansOfType(CacheAspectSupport.class, false, false).values()) {
			CacheOperationSource source = interceptor.getCacheOperationSource();
			if (source != null && interceptor.getCacheResolver() == resolver) {
				check(factory, source, resolver);
			}
		}
	}

	private static void check(ConfigurableListableBeanFactory factory, CacheOperationSource source,
			ReturnTypeCacheResolver resolver) {
		for (String name : factory.getBeanNamesForType(Object.class, false, false)) {
			Object bean = factory.containsSingleton(name) ? factory.getSingleton(name) : null;
			if (bean == null) {
				continue;
			}
			Class<?> targetClass = AopProxyUtils.ultimateTargetClass(bean);
			if (!source.isCandidateClass(targetClass)) {
				continue;
			}
			Map<Method, Collection<CacheOperation>> methods = MethodIntrospector.selectMethods(targetClass,
					(MethodIntrospector.MetadataLookup<Collection<CacheOperation>>) (method) -> cached(source, method,
							targetClass));
			methods.keySet().forEach((method) -> resolver.readable(method, targetClass));
		}
	}

	/** The operations that store the method's value through the resolver, if any. */
	private static @Nullable Collection<CacheOperation> cached(CacheOperationSource source, Method method,
			Class<?> targetClass) {
		Collection<CacheOperation> operations = source.getCacheOperations(method, targetClass);
		if (operations == null) {
			return null;
		}
		for (CacheOperation operation : operations) {
			if ((operation instanceof CacheableOperation || operation instanceof CachePutOperation)
					&& !StringUtils.hasText(operation.getCacheManager())
					&& !StringUtils.hasText(operation.getCacheResolver())) {
				return operations;
			}
		}
		return null;
	}

}
