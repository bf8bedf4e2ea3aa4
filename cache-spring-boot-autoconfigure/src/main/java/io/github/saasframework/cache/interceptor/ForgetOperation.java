package io.github.saasframework.cache.interceptor;

import java.util.List;

import org.springframework.expression.Expression;

/**
 * A parsed and validated {@code @Forget} of one method.
 *
 * @param keys the key expressions, at least one
 */
record ForgetOperation(List<Expression> keys) {

}
