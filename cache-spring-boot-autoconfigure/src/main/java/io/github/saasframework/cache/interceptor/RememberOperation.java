package io.github.saasframework.cache.interceptor;

import java.lang.reflect.Type;

import io.github.saasframework.cache.RememberPolicy;
import org.jspecify.annotations.Nullable;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.expression.Expression;

/**
 * A parsed and validated {@code @Remember} of one method.
 *
 * @param key the key expression
 * @param policy the TTL (or none, for {@code forever}) the values are stored with
 * @param condition the condition expression, or {@code null} for always
 * @param unless the veto expression, or {@code null} for never
 * @param valueType the type values are read as: the resolved return type, or the
 * {@code Optional}'s element type
 * @param optional whether the method returns {@code Optional}
 * @param returns how the method hands out its value: directly, as a future or a
 * {@code Mono} (then {@code valueType} is what it completes with)
 * @param readBack what keeps values that cannot be read back as {@code valueType} out of
 * the cache
 */
record RememberOperation(Expression key, RememberPolicy policy, @Nullable Expression condition,
		@Nullable Expression unless, ParameterizedTypeReference<Object> valueType, boolean optional,
		AsyncReturn returns, RememberReadBack readBack) {

	static RememberOperation of(Expression key, RememberPolicy policy, @Nullable Expression condition,
			@Nullable Expression unless, Type valueType, boolean optional, AsyncReturn returns, String method) {
		return new RememberOperation(key, policy, condition, unless, ParameterizedTypeReference.forType(valueType),
				optional, returns, new RememberReadBack(method, valueType));
	}

}
