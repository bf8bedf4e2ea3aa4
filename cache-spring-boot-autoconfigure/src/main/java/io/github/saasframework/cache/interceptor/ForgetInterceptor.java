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
 * {@code Optional} unwrapped).
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
		evaluator().setResult(context, (result instanceof Optional<?> optional) ? optional.orElse(null) : result);
		List<String> keys = new ArrayList<>(forget.keys().size());
		for (Expression key : forget.keys()) {
			keys.add(evaluator().key(key, context, "@Forget", operations.method()));
		}
		cache().deleteAll(keys);
		return result;
	}

}
