package io.github.saasframework.cache.interceptor;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.github.saasframework.cache.Cache;
import io.github.saasframework.cache.annotation.Forget;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.expression.EvaluationContext;
import org.springframework.expression.Expression;

/**
 * Removes the keys of {@link Forget @Forget} after the method returns normally, in one
 * {@code Cache.deleteAll} call; when the method throws, nothing is removed and the
 * exception reaches the caller unchanged. The key expressions see {@code #result} (an
 * {@code Optional} unwrapped). For a method that returns a {@code CompletableFuture},
 * {@code CompletionStage}, {@code Mono} or {@code Flux}, the keys are removed without
 * blocking once that result completed normally ({@code #result} is the value it completed
 * with; {@code null} for a {@code Flux} or an empty {@code Mono}), and the result
 * completes after them.
 * <p>
 * Order: {@link AnnotationInterceptorAdvisor#FORGET_ORDER}, the innermost of the three
 * (inside {@code @WithLock}, so keys are removed while the lock is still held), and
 * outside a {@code @Transactional} of default order, so keys are removed after the
 * commit. Thread-safe.
 */
final class ForgetInterceptor extends CacheAnnotationInterceptor {

	ForgetInterceptor(AnnotationOperationSource methods, ObjectProvider<Cache> cache) {
		super(methods, cache);
	}

	@Override
	public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
		MethodOperations operations = operations(invocation);
		ForgetOperation forget = operations.get(Forget.class);
		if (forget == null) {
			return invocation.proceed();
		}
		Object result = invocation.proceed();
		EvaluationContext context = context(operations, invocation);
		if (forget.returns() != AsyncReturn.NONE && forget.returns() != AsyncReturn.UNSUPPORTED && result != null) {
			Cache cache = cache();
			return AsyncInvocations.afterCompletion(result, forget.returns(),
					(value) -> AsyncInvocations.deleteAll(cache, keys(forget, operations, context, value)));
		}
		cache().deleteAll(keys(forget, operations, context, result));
		return result;
	}

	private List<String> keys(ForgetOperation forget, MethodOperations operations, EvaluationContext context,
			@Nullable Object result) {
		evaluator().setResult(context, (result instanceof Optional<?> optional) ? optional.orElse(null) : result);
		List<String> keys = new ArrayList<>(forget.keys().size());
		for (Expression key : forget.keys()) {
			keys.add(evaluator().key(key, context, "@Forget", operations.method()));
		}
		return keys;
	}

}
