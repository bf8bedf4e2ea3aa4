package io.github.saasframework.cache.interceptor;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.expression.Expression;

/**
 * A parsed and validated {@code @WithLock} of one method.
 *
 * @param key the lock name expression
 * @param ttl the lease, or {@code null} for {@code app.cache.lock.default-ttl}
 * @param waitTime the wait, or {@code null} for {@code app.cache.lock.default-wait}
 */
record WithLockOperation(Expression key, @Nullable Duration ttl, @Nullable Duration waitTime) {

}
