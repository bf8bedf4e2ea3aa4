package io.github.saasframework.cache.autoconfigure;

import java.time.Duration;
import java.util.function.Supplier;

import io.github.saasframework.cache.Cache;
import io.github.saasframework.cache.annotation.WithLock;
import io.github.saasframework.cache.lock.DistributedLock;
import org.aopalliance.intercept.MethodInvocation;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.util.function.SingletonSupplier;

/**
 * Runs {@link WithLock @WithLock} methods while holding a distributed lock: waits up to
 * the wait time for it (throwing {@code LockNotAcquiredException} without calling the
 * method when the wait runs out), calls the method, and releases the lock when the method
 * returns or throws. As {@code Cache.withLock} does, the lease is extended every third of
 * the TTL while the method runs, so the TTL bounds how long a crashed process blocks the
 * others, not how long the method may take; a lock found lost at release is logged as a
 * warning and does not turn the method's outcome into a failure.
 * <p>
 * Order: {@link AnnotationInterceptorAdvisor#WITH_LOCK_ORDER}, inside {@code @Remember}
 * (a cache hit never takes the lock) and outside {@code @Forget} (keys are evicted while
 * the lock is still held). The method's own exceptions reach the caller unchanged.
 * Thread-safe.
 */
final class WithLockInterceptor extends CacheAnnotationInterceptor {

	private static final Log logger = LogFactory.getLog(WithLockInterceptor.class);

	private final Supplier<RedisCacheProperties> properties;

	WithLockInterceptor(AnnotatedMethodCache methods, ObjectProvider<Cache> cache,
			ObjectProvider<RedisCacheProperties> properties) {
		super(methods, cache);
		this.properties = SingletonSupplier.of(properties::getObject);
	}

	@Override
	public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
		MethodOperations operations = operations(invocation);
		WithLockOperation withLock = operations.withLock();
		if (withLock == null) {
			return invocation.proceed();
		}
		String name = evaluator().key(withLock.key(), context(operations, invocation), "@WithLock",
				operations.method());
		RedisCacheProperties.Lock defaults = this.properties.get().getLock();
		Duration ttl = (withLock.ttl() != null) ? withLock.ttl() : defaults.getDefaultTtl();
		Duration wait = (withLock.waitTime() != null) ? withLock.waitTime() : defaults.getDefaultWait();
		DistributedLock lock = cache().lock(name, ttl);
		lock.acquire(wait);
		try {
			lock.refreshLoop(refreshInterval(ttl));
			return invocation.proceed();
		}
		finally {
			release(lock);
		}
	}

	private static void release(DistributedLock lock) {
		try {
			lock.release();
		}
		catch (RuntimeException ex) {
			logger.warn("Lock '" + lock.name() + "' was no longer held when its method returned: " + ex.getMessage());
		}
	}

	private static Duration refreshInterval(Duration ttl) {
		Duration third = ttl.dividedBy(3);
		return third.isZero() ? Duration.ofMillis(1) : third;
	}

}
