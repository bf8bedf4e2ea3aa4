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
 * @param returns how the method hands out its result: directly, or as a future,
 * {@code Mono} or {@code Flux} the lock is held for until it terminates
 */
record WithLockOperation(Expression key, @Nullable Duration ttl, @Nullable Duration waitTime, AsyncReturn returns) {

}
