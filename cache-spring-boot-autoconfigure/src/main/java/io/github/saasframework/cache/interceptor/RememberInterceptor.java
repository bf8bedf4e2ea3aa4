package io.github.saasframework.cache.interceptor;

import java.util.Optional;

import io.github.saasframework.cache.Cache;
import io.github.saasframework.cache.RememberPolicy;
import io.github.saasframework.cache.annotation.Remember;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.expression.EvaluationContext;

/**
 * Runs {@link Remember @Remember} methods through {@code Cache.remember}: a hit returns
 * the stored value without calling the method; a miss calls it and stores what it
 * returned. Every {@code @Remember}, with or without {@code unless}, takes the same path
 * as a programmatic {@code remember}: in-process and cluster-wide single-flight, the load
 * lease, fail-open. {@code unless} only decides whether the loaded value is stored. With
 * {@code refreshAfter}, a hit on an older entry returns it and the cache calls the method
 * again on one of its own threads (the invocation proceeds there, once), outside the
 * caller's thread-bound state.
 * <p>
 * An entry that cannot be read as the method's type (an older shape of the class) is a
 * miss: the method runs and its value replaces the entry. A method whose values cannot be
 * read back as its type (checked at startup, else on its first call; for a value the type
 * cannot decide, on the first write of each class) runs without the cache instead of
 * storing them, counted as {@code recordUnreadableValue} and logged once at ERROR.
 * <p>
 * Methods that return a {@code CompletableFuture}, {@code CompletionStage} or
 * {@code Mono} take the non-blocking {@code remember} ({@code AsyncCache}): invoking them
 * returns at once, the value they complete with is cached and handed out in a future or
 * {@code Mono} of the same kind (a {@code Mono} looks the key up on each subscription),
 * and the method runs on one of the cache's loader threads on a miss
 * ({@link AsyncInvocations}).
 * <p>
 * Order: {@link AnnotationInterceptorAdvisor#REMEMBER_ORDER}, outside {@code @WithLock}
 * and {@code @Forget}, so a hit never takes the lock. The method's own exceptions,
 * checked or not, reach the caller unchanged and nothing is stored. Thread-safe.
 */
final class RememberInterceptor extends CacheAnnotationInterceptor {

	RememberInterceptor(AnnotationOperationSource methods, ObjectProvider<Cache> cache) {
		super(methods, cache);
	}

	@Override
	public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
		MethodOperations operations = operations(invocation);
		RememberOperation remember = operations.get(Remember.class);
		if (remember == null) {
			return invocation.proceed();
		}
		EvaluationContext context = context(operations, invocation);
		if (remember.condition() != null && !evaluator().isTrue(remember.condition(), context)) {
			return invocation.proceed();
		}
		String key = evaluator().key(remember.key(), context, "@Remember", operations.method());
		Cache cache = cache();
		RememberReadBack.Guarded guarded = remember.readBack().on(cache, remember.policy());
		if (guarded != null && !guarded.guard.typeReadable()) {
			// its values cannot be read back: the method runs, nothing is stored
			guarded.uncached();
			return invocation.proceed();
		}
		RememberPolicy policy = (guarded != null) ? guarded.policy : remember.policy();
		if (remember.unless() != null) {
			policy = remember.policy().unless((value) -> {
				if (guarded != null && guarded.refuses(value)) {
					return true;
				}
				evaluator().setResult(context, value);
				return evaluator().isTrue(remember.unless(), context);
			});
		}
		RememberPolicy chosen = policy;
		if (remember.returns().isAsync()) {
			return AsyncInvocations.remember(invocation, remember.returns(), key, chosen, remember, cache);
		}
		Object value = unwrapping(
				() -> cache.remember(key, chosen, remember.valueType(), () -> unwrap(proceed(invocation), remember)));
		return remember.optional() ? Optional.ofNullable(value) : value;
	}

	private static @Nullable Object unwrap(@Nullable Object result, RememberOperation remember) {
		if (remember.optional() && result instanceof Optional<?> optional) {
			return optional.orElse(null);
		}
		return result;
	}

}
