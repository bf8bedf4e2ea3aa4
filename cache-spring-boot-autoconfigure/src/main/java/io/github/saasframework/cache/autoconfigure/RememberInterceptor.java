package io.github.saasframework.cache.autoconfigure;

import java.util.Optional;

import io.github.saasframework.cache.Cache;
import io.github.saasframework.cache.annotation.Remember;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.expression.EvaluationContext;

/**
 * Runs {@link Remember @Remember} methods through the {@link Cache}: a hit returns the
 * stored value without calling the method; a miss calls it and stores what it returned.
 * <p>
 * Without {@code unless}, the call goes through {@code Cache.remember} (or
 * {@code rememberForever}), so concurrent callers of one key in this process share one
 * method call. With {@code unless}, the interceptor reads with {@code Cache.get}, calls
 * the method on a miss, evaluates {@code unless} on the result and stores it with
 * {@code Cache.set} only when it is not vetoed: the method runs exactly once per miss,
 * but concurrent misses of one key are not merged.
 * <p>
 * Order: {@link AnnotationInterceptorAdvisor#REMEMBER_ORDER}, outside {@code @WithLock}
 * and {@code @Forget}, so a hit never takes the lock. The method's own exceptions,
 * checked or not, reach the caller unchanged and nothing is stored. Thread-safe.
 */
final class RememberInterceptor extends CacheAnnotationInterceptor {

	RememberInterceptor(AnnotatedMethodCache methods, ObjectProvider<Cache> cache) {
		super(methods, cache);
	}

	@Override
	public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
		MethodOperations operations = operations(invocation);
		RememberOperation remember = operations.remember();
		if (remember == null) {
			return invocation.proceed();
		}
		EvaluationContext context = context(operations, invocation);
		if (remember.condition() != null && !evaluator().isTrue(remember.condition(), context)) {
			return invocation.proceed();
		}
		String key = evaluator().key(remember.key(), context, "@Remember", operations.method());
		Cache cache = cache();
		if (remember.unless() == null) {
			return wrap(remember(cache, key, remember, invocation), remember);
		}
		Optional<Object> cached = cache.get(key, remember.valueType());
		if (cached.isPresent()) {
			return wrap(cached.get(), remember);
		}
		Object result = invocation.proceed();
		Object value = unwrap(result, remember);
		if (value != null) {
			evaluator().setResult(context, value);
			if (!evaluator().isTrue(remember.unless(), context)) {
				cache.set(key, value, remember.forever() ? Cache.NO_EXPIRY : remember.ttl());
			}
		}
		return result;
	}

	private static @Nullable Object remember(Cache cache, String key, RememberOperation remember,
			MethodInvocation invocation) throws Throwable {
		try {
			if (remember.forever()) {
				return cache.rememberForever(key, remember.valueType(), () -> load(invocation, remember));
			}
			return cache.remember(key, remember.ttl(), remember.valueType(), () -> load(invocation, remember));
		}
		catch (CheckedExceptionWrapper ex) {
			throw ex.original;
		}
	}

	private static @Nullable Object load(MethodInvocation invocation, RememberOperation remember) {
		try {
			return unwrap(invocation.proceed(), remember);
		}
		catch (RuntimeException | Error ex) {
			throw ex;
		}
		catch (Throwable ex) {
			throw new CheckedExceptionWrapper(ex);
		}
	}

	private static @Nullable Object unwrap(@Nullable Object result, RememberOperation remember) {
		if (remember.optional() && result instanceof Optional<?> optional) {
			return optional.orElse(null);
		}
		return result;
	}

	private static @Nullable Object wrap(@Nullable Object value, RememberOperation remember) {
		return remember.optional() ? Optional.ofNullable(value) : value;
	}

	/**
	 * Carries a checked exception of the method through {@code Cache.remember}, which
	 * would otherwise wrap it in a {@code CacheException}.
	 */
	private static final class CheckedExceptionWrapper extends RuntimeException {

		private static final long serialVersionUID = 1L;

		private final Throwable original;

		CheckedExceptionWrapper(Throwable original) {
			super(null, null, false, false);
			this.original = original;
		}

	}

}
