package io.github.saasframework.cache.interceptor;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import org.springframework.context.expression.AnnotatedElementKey;
import org.springframework.context.expression.CachedExpressionEvaluator;
import org.springframework.context.expression.MethodBasedEvaluationContext;
import org.springframework.expression.EvaluationContext;
import org.springframework.expression.Expression;

/**
 * Parses (once, cached per method and attribute kind) and evaluates the SpEL expressions
 * of the cache annotations. Thread-safe.
 */
final class CacheExpressionEvaluator extends CachedExpressionEvaluator {

	/**
	 * Name of the variable holding the method's result in {@code unless} and
	 * {@code @Forget}.
	 */
	static final String RESULT_VARIABLE = "result";

	private final Map<ExpressionKey, Expression> keyCache = new ConcurrentHashMap<>(64);

	private final Map<ExpressionKey, Expression> conditionCache = new ConcurrentHashMap<>(64);

	private final Map<ExpressionKey, Expression> unlessCache = new ConcurrentHashMap<>(64);

	/**
	 * Parses a key or lock name expression.
	 * @throws org.springframework.expression.ParseException if it is not valid SpEL
	 */
	Expression parseKey(String expression, Method method, Class<?> targetClass) {
		return getExpression(this.keyCache, new AnnotatedElementKey(method, targetClass), expression);
	}

	/**
	 * Parses a {@code condition} expression.
	 * @throws org.springframework.expression.ParseException if it is not valid SpEL
	 */
	Expression parseCondition(String expression, Method method, Class<?> targetClass) {
		return getExpression(this.conditionCache, new AnnotatedElementKey(method, targetClass), expression);
	}

	/**
	 * Parses an {@code unless} expression.
	 * @throws org.springframework.expression.ParseException if it is not valid SpEL
	 */
	Expression parseUnless(String expression, Method method, Class<?> targetClass) {
		return getExpression(this.unlessCache, new AnnotatedElementKey(method, targetClass), expression);
	}

	/**
	 * Creates the context of one invocation: arguments by name, {@code #p0}/{@code #a0}
	 * and the {@link CacheExpressionRootObject}.
	 */
	EvaluationContext createContext(Method method, Object[] args, Object target, Class<?> targetClass) {
		CacheExpressionRootObject root = new CacheExpressionRootObject(method, args, target, targetClass);
		return new MethodBasedEvaluationContext(root, method, args, getParameterNameDiscoverer());
	}

	/**
	 * Evaluates a key or lock name.
	 * @throws IllegalArgumentException if it evaluates to null or blank; the message
	 * names the annotation, the method and the expression
	 */
	String key(Expression expression, EvaluationContext context, String annotation, Method method) {
		Object value = expression.getValue(context);
		String key = (value != null) ? value.toString() : null;
		if (key == null || key.isBlank()) {
			throw new IllegalArgumentException(annotation + " key '" + expression.getExpressionString() + "' on "
					+ AnnotationOperationSource.describe(method) + " evaluated to "
					+ ((key == null) ? "null" : "'" + key + "'")
					+ "; a key must not be null or blank (arguments referenced by name, such as #id, need classes "
					+ "compiled with -parameters; #p0 and #a0 work without it)");
		}
		return key;
	}

	/**
	 * Evaluates a {@code condition} or {@code unless}; {@code null} counts as false.
	 */
	boolean isTrue(Expression expression, EvaluationContext context) {
		return Boolean.TRUE.equals(expression.getValue(context, Boolean.class));
	}

	/**
	 * Makes {@code #result} available to the expressions evaluated next.
	 */
	void setResult(EvaluationContext context, @Nullable Object result) {
		context.setVariable(RESULT_VARIABLE, result);
	}

}
