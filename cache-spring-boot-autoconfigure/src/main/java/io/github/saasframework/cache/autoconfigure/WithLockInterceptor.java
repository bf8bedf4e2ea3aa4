package io.github.saasframework.cache.autoconfigure;

import java.time.Duration;
import java.util.function.Supplier;

import io.github.saasframework.cache.Cache;
import io.github.saasframework.cache.CacheConfig;
import io.github.saasframework.cache.annotation.WithLock;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.util.function.SingletonSupplier;

/**
 * Runs {@link WithLock @WithLock} methods through {@code Cache.withLock}, the one "run
 * under a lock" path: it waits for the lock (throwing {@code LockNotAcquiredException}
 * without calling the method when the wait runs out), keeps the lease alive while the
 * method runs, releases the lock when the method returns or throws, and throws
 * {@code LockNotHeldException} when the lock was lost while the method ran. Reentrant per
 * thread (a nested {@code @WithLock} on the same name runs at once); the method reads its
 * fencing token with {@code HeldLocks.fencingToken(name)}. An empty {@code waitTime}
 * means the {@code Cache}'s own {@link CacheConfig#lockWait() lock wait}
 * ({@code app.cache.lock.default-wait} for the auto-configured one), so {@code @WithLock}
 * and {@code cache.withLock} always wait alike.
 * <p>
 * Order: {@link AnnotationInterceptorAdvisor#WITH_LOCK_ORDER}, inside {@code @Remember}
 * (a cache hit never takes the lock) and outside {@code @Forget} (keys are evicted while
 * the lock is still held). The method's own exceptions reach the caller unchanged.
 * Thread-safe.
 */
final class WithLockInterceptor extends CacheAnnotationInterceptor {

	private final Supplier<RedisCacheProperties> properties;

	WithLockInterceptor(AnnotatedMethodCache methods, ObjectProvider<Cache> cache,
			ObjectProvider<RedisCacheProperties> properties) {
		super(methods, cache);
		this.properties = SingletonSupplier.of(properties::getObject);
	}

	@Override
	public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
		MethodOperations operations = operations(invocation);
		WithLockOperation withLock = operations.get(WithLock.class);
		if (withLock == null) {
			return invocation.proceed();
		}
		String name = evaluator().key(withLock.key(), context(operations, invocation), "@WithLock",
				operations.method());
		Duration ttl = (withLock.ttl() != null) ? withLock.ttl() : this.properties.get().getLock().getDefaultTtl();
		Cache cache = cache();
		Duration wait = withLock.waitTime();
		return unwrapping(() -> (wait != null) ? cache.withLock(name, ttl, wait, () -> proceed(invocation))
				: cache.withLock(name, ttl, () -> proceed(invocation)));
	}

}
