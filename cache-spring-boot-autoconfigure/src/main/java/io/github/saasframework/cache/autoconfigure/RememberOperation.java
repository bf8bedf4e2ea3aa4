package io.github.saasframework.cache.autoconfigure;

import java.lang.reflect.Type;
import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.expression.Expression;

/**
 * A parsed and validated {@code @Remember} of one method.
 *
 * @param key the key expression
 * @param ttl the TTL, {@link Duration#ZERO} for the cache's default
 * @param forever whether values are stored without expiry
 * @param condition the condition expression, or {@code null} for always
 * @param unless the veto expression, or {@code null} for never
 * @param valueType the type values are read as: the resolved return type, or the
 * {@code Optional}'s element type
 * @param optional whether the method returns {@code Optional}
 */
record RememberOperation(Expression key, Duration ttl, boolean forever, @Nullable Expression condition,
		@Nullable Expression unless, ParameterizedTypeReference<Object> valueType, boolean optional) {

	static RememberOperation of(Expression key, Duration ttl, boolean forever, @Nullable Expression condition,
			@Nullable Expression unless, Type valueType, boolean optional) {
		return new RememberOperation(key, ttl, forever, condition, unless,
				ParameterizedTypeReference.forType(valueType), optional);
	}

}
