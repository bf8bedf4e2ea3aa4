package io.github.saasframework.cache.interceptor;

import java.util.function.Supplier;

import java.util.concurrent.Callable;

import io.github.saasframework.cache.Cache;
import org.jspecify.annotations.Nullable;
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

	private final AnnotationOperationSource methods;

	private final Supplier<Cache> cache;

	CacheAnnotationInterceptor(AnnotationOperationSource methods, ObjectProvider<Cache> cache) {
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

	/**
	 * Runs the intercepted method inside one of the {@code Cache}'s callbacks: a checked
	 * exception of the method travels through the callback in a wrapper that
	 * {@link #unwrapping} takes off again, so the caller sees the method's own exception.
	 */
	static @Nullable Object proceed(MethodInvocation invocation) {
		try {
			return invocation.proceed();
		}
		catch (RuntimeException | Error ex) {
			throw ex;
		}
		catch (Throwable ex) {
			throw new CheckedExceptionWrapper(ex);
		}
	}

	/**
	 * Runs a {@code Cache} call that runs the method through {@link #proceed}, and
	 * rethrows a checked exception of the method as it was.
	 */
	static @Nullable Object unwrapping(Callable<?> cacheCall) throws Throwable {
		try {
			return cacheCall.call();
		}
		catch (CheckedExceptionWrapper ex) {
			throw ex.original;
		}
	}

	private static Class<?> targetClass(MethodInvocation invocation) {
		Object target = invocation.getThis();
		return (target != null) ? AopProxyUtils.ultimateTargetClass(target)
				: invocation.getMethod().getDeclaringClass();
	}

	/**
	 * Carries a checked exception of the method through a {@code Cache} callback, which
	 * would otherwise wrap it in a {@code CacheException}.
	 */
	private static final class CheckedExceptionWrapper extends RuntimeException {

		private static final long serialVersionUID = 1L;

		private final transient Throwable original;

		CheckedExceptionWrapper(Throwable original) {
			super(null, null, false, false);
			this.original = original;
		}

	}

}
