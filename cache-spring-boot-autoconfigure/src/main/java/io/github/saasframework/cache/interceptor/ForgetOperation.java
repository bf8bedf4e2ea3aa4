package io.github.saasframework.cache.interceptor;

import java.util.List;

import org.springframework.expression.Expression;

/**
 * A parsed and validated {@code @Forget} of one method.
 *
 * @param keys the key expressions, at least one
 * @param returns how the method hands out its result: the keys are removed once a future,
 * {@code Mono} or {@code Flux} result completed normally
 */
record ForgetOperation(List<Expression> keys, AsyncReturn returns) {

}
