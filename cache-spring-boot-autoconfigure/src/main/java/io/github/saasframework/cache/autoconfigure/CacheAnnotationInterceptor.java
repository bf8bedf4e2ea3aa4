package io.github.saasframework.cache.autoconfigure;

import java.util.function.Supplier;

import io.github.saasframework.cache.Cache;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;

import org.springframework.aop.framework.AopProxyUtils;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.expression.EvaluationContext;
import org.springframework.util.function.SingletonSupplier;

/**
 * Common ground of the three annotation interceptors: the {@link Cache} bean, looked up
 * on first use so that advisors do not create it (and the Redis connection factory) while
 * post-processors are still being set up, and the per-method operations.
 */
abstract class CacheAnnotationInterceptor implements MethodInterceptor {

	private final AnnotatedMethodCache methods;

	private final Supplier<Cache> cache;

	CacheAnnotationInterceptor(AnnotatedMethodCache methods, ObjectProvider<Cache> cache) {
		this.methods = methods;
		this.cache = SingletonSupplier.of(cache::getObject);
	}

	final MethodOperations operations(MethodInvocation invocation) {
		return this.methods.get(invocation.getMethod(), targetClass(invocation));
	}

	final EvaluationContext context(MethodOperations operations, MethodInvocation invocation) {
		Object target = invocation.getThis();
		return evaluator().createContext(operations.method(), invocation.getArguments(),
				(target != null) ? target : invocation.getMethod().getDeclaringClass(), targetClass(invocation));
	}

	final CacheExpressionEvaluator evaluator() {
		return this.methods.evaluator();
	}

	final Cache cache() {
		return this.cache.get();
	}

	private static Class<?> targetClass(MethodInvocation invocation) {
		Object target = invocation.getThis();
		return (target != null) ? AopProxyUtils.ultimateTargetClass(target)
				: invocation.getMethod().getDeclaringClass();
	}

}
