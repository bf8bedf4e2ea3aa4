package io.github.saasframework.cache.interceptor;

import java.time.Duration;

import io.github.saasframework.cache.Cache;
import io.github.saasframework.cache.CacheConfig;
import io.github.saasframework.cache.annotation.WithLock;
import io.github.saasframework.cache.internal.core.CacheCore;
import io.github.saasframework.cache.internal.core.CacheInternals;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;

/**
 * Runs {@link WithLock @WithLock} methods through {@code Cache.withLock}, the one "run
 * under a lock" path: it waits for the lock (throwing {@code LockNotAcquiredException}
 * without calling the method when the wait runs out), keeps the lease alive while the
 * method runs, releases the lock when the method returns or throws, and throws
 * {@code LockNotHeldException} when the lock was lost while the method ran. Reentrant per
 * thread (a nested {@code @WithLock} on the same name runs at once); the method reads its
 * fencing token with {@code HeldLocks.fencingToken(name)}. An empty {@code ttl} means the
 * cache's {@link CacheConfig#lockTtl() lock TTL}; an empty {@code waitTime} means the
 * {@code Cache}'s own {@link CacheConfig#lockWait() lock wait}
 * ({@code app.cache.lock.default-wait} for the auto-configured one), so {@code @WithLock}
 * and {@code cache.withLock} always wait alike.
 * <p>
 * Methods that return a {@code CompletableFuture}, {@code CompletionStage}, {@code Mono}
 * or {@code Flux} hold the lock until their result terminates, not until they return:
 * invoking them returns at once; the lock is acquired without blocking a thread (attempts
 * on a timer at the retry interval), the method runs on one of the cache's loader threads
 * once it is held, and the lock is released when the result completes, fails or is
 * cancelled ({@link AsyncInvocations}). Such holds are not reentrant: a nested
 * {@code @WithLock} of the same name inside the result waits for the outer one.
 * <p>
 * Order: {@link AnnotationInterceptorAdvisor#WITH_LOCK_ORDER}, inside {@code @Remember}
 * (a cache hit never takes the lock) and outside {@code @Forget} (keys are evicted while
 * the lock is still held). The method's own exceptions reach the caller unchanged.
 * Thread-safe.
 */
final class WithLockInterceptor extends CacheAnnotationInterceptor {

	WithLockInterceptor(AnnotationOperationSource methods, ObjectProvider<Cache> cache) {
		super(methods, cache);
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
		Cache cache = cache();
		Duration ttl = (withLock.ttl() != null) ? withLock.ttl() : defaultLease(cache);
		Duration wait = withLock.waitTime();
		if (withLock.returns().isAsync()) {
			Duration asyncWait = (wait != null) ? wait : defaultWait(cache);
			return AsyncInvocations.withLock(invocation, withLock.returns(), name, ttl, asyncWait, cache);
		}
		return unwrapping(() -> (wait != null) ? cache.withLock(name, ttl, wait, () -> proceed(invocation))
				: cache.withLock(name, ttl, () -> proceed(invocation)));
	}

	/**
	 * The wait of a {@code @WithLock} without {@code waitTime}: the cache's own
	 * {@link CacheConfig#lockWait()}.
	 */
	private static Duration defaultWait(Cache cache) {
		CacheCore core = CacheInternals.core(cache);
		return (core != null) ? core.config().lockWait() : CacheConfig.defaults().lockWait();
	}

	/**
	 * The lease of a {@code @WithLock} without {@code ttl}: the cache's own
	 * {@link CacheConfig#lockTtl()} ({@code app.cache.lock.default-ttl} for the
	 * auto-configured one), the core's default for a {@code Cache} of the application's
	 * own.
	 */
	private static Duration defaultLease(Cache cache) {
		CacheCore core = CacheInternals.core(cache);
		return (core != null) ? core.config().lockTtl() : CacheConfig.defaults().lockTtl();
	}

}
