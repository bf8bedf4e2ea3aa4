package io.github.saasframework.cache.interceptor;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import io.github.saasframework.cache.Cache;
import io.github.saasframework.cache.RememberPolicy;
import io.github.saasframework.cache.internal.KeyNamespace;
import io.github.saasframework.cache.internal.core.CacheCore;
import io.github.saasframework.cache.internal.core.CacheInternals;
import io.github.saasframework.cache.internal.lock.AsyncLock;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.aop.ProxyMethodInvocation;

/**
 * {@code @Remember} and {@code @WithLock} on methods that return a
 * {@code CompletableFuture} (or {@code CompletionStage}), a {@code Mono} or (for
 * {@code @WithLock}) a {@code Flux}: nothing blocks the caller. The method is called on
 * one of the cache's loader threads (never a Lettuce thread), once per load (a
 * {@code Mono} once per subscription that loads), each time through a fresh copy of the
 * invocation, so the interceptors inside still apply. The method's own exceptions,
 * checked or not, reach the caller unchanged: they travel through the cache in a
 * {@link MethodFailure}. Reactor is only touched for {@code Mono} and {@code Flux}
 * methods.
 */
final class AsyncInvocations {

	private AsyncInvocations() {
	}

	/**
	 * {@code @Remember}: the stored value, or the method's (stored for the next caller),
	 * through the non-blocking {@code remember}: single-flight, load lease, fail-open,
	 * refresh-ahead, near cache, meters and observations as the blocking path.
	 */
	static Object remember(MethodInvocation invocation, AsyncReturn kind, String key, RememberPolicy policy,
			RememberOperation remember, Cache cache) {
		if (kind == AsyncReturn.MONO) {
			return Reactive.remember(invocation, key, policy, remember, cache);
		}
		return original(cache.async().remember(key, policy, remember.valueType(), () -> methodFuture(invocation)));
	}

	/**
	 * {@code @WithLock}: the lock is acquired without blocking, held while the method's
	 * future or publisher runs (its lease kept alive), and released when it terminates or
	 * is cancelled; a lock lost meanwhile fails the result with
	 * {@code LockNotHeldException} (suppressed into the method's own failure, if any).
	 */
	static Object withLock(MethodInvocation invocation, AsyncReturn kind, String name, Duration ttl, Duration wait,
			Cache cache) {
		CacheCore core = CacheInternals.core(cache);
		KeyNamespace namespace = CacheInternals.namespace(cache);
		if (core == null || namespace == null) {
			throw new IllegalStateException("@WithLock on " + invocation.getMethod()
					+ " returns a future or publisher: that needs a Cache made by RedisCache.create, not a "
					+ cache.getClass().getName());
		}
		Locker locker = () -> AsyncLock.acquire(core.locks(), namespace, name, ttl, wait, core.loaders());
		return switch (kind) {
			case MONO -> Reactive.withLock(invocation, locker, false);
			case FLUX -> Reactive.withLock(invocation, locker, true);
			default -> withLock(invocation, locker);
		};
	}

	private static CompletableFuture<@Nullable Object> withLock(MethodInvocation invocation, Locker locker) {
		CompletableFuture<@Nullable Object> result = new CompletableFuture<>();
		CompletableFuture<AsyncLock> acquiring = locker.acquire();
		AtomicReference<@Nullable CompletableFuture<?>> running = new AtomicReference<>();
		acquiring.whenComplete((lock, failure) -> {
			if (failure != null) {
				result.completeExceptionally(unwrap(failure));
				return;
			}
			if (result.isDone()) {
				// cancelled while the lock was being acquired
				lock.release();
				return;
			}
			CompletableFuture<@Nullable Object> action = methodFuture(invocation);
			running.set(action);
			action.whenComplete((value, error) -> lock.release().whenComplete((released, lost) -> {
				Throwable lostCause = (lost != null) ? unwrap(lost) : null;
				if (error != null) {
					Throwable thrown = unwrap(error);
					if (lostCause != null && thrown != lostCause) {
						thrown.addSuppressed(lostCause);
					}
					result.completeExceptionally(thrown);
				}
				else if (lostCause != null) {
					result.completeExceptionally(lostCause);
				}
				else {
					result.complete(value);
				}
			}));
			if (result.isCancelled()) {
				action.cancel(true);
			}
		});
		result.whenComplete((value, failure) -> {
			if (result.isCancelled()) {
				acquiring.cancel(false);
				CompletableFuture<?> action = running.get();
				if (action != null) {
					// completes the action as cancelled, which releases the lock
					action.cancel(true);
				}
			}
		});
		return result;
	}

	/**
	 * {@code @Forget}: the method's result, completing only after {@code forget} ran on
	 * the value it completed with (not when it failed or was cancelled).
	 */
	static Object afterCompletion(Object result, AsyncReturn kind,
			Function<@Nullable Object, CompletableFuture<?>> forget) {
		if (kind == AsyncReturn.FUTURE) {
			return ((CompletionStage<?>) result).toCompletableFuture()
				.thenCompose((value) -> forget.apply(value).thenApply((done) -> value));
		}
		return Reactive.afterCompletion(result, kind == AsyncReturn.FLUX, forget);
	}

	/** Removes keys without blocking, one {@code UNLINK} each. */
	static CompletableFuture<?> deleteAll(Cache cache, List<String> keys) {
		CompletableFuture<?>[] deletes = new CompletableFuture<?>[keys.size()];
		for (int i = 0; i < deletes.length; i++) {
			deletes[i] = cache.async().delete(keys.get(i));
		}
		return CompletableFuture.allOf(deletes);
	}

	/**
	 * Calls the method through a fresh copy of the invocation and returns its future; the
	 * method's failures, thrown or in the future, travel as {@link MethodFailure}.
	 */
	static CompletableFuture<@Nullable Object> methodFuture(MethodInvocation invocation) {
		Object result;
		try {
			result = proceedAgain(invocation);
		}
		catch (Throwable ex) {
			return CompletableFuture.failedFuture(new MethodFailure(ex));
		}
		if (!(result instanceof CompletionStage<?> stage)) {
			return CompletableFuture.failedFuture(new MethodFailure(new IllegalStateException(
					"The CompletableFuture returned by " + describe(invocation.getMethod()) + " must not be null")));
		}
		return stage.toCompletableFuture().handle((value, failure) -> {
			if (failure != null) {
				throw new MethodFailure(unwrap(failure));
			}
			return value;
		});
	}

	/**
	 * The method once more, through the interceptors that follow this one: a proxy's
	 * invocation can proceed only once, so each call proceeds on a copy.
	 */
	static @Nullable Object proceedAgain(MethodInvocation invocation) throws Throwable {
		MethodInvocation run = (invocation instanceof ProxyMethodInvocation proxy) ? proxy.invocableClone()
				: invocation;
		return run.proceed();
	}

	/** The future with a method failure replaced by the method's own exception. */
	private static CompletableFuture<@Nullable Object> original(CompletableFuture<@Nullable Object> future) {
		return future.exceptionallyCompose((failure) -> CompletableFuture.failedFuture(unwrap(failure)));
	}

	/** A failure as the caller should see it: without completion or method wrappers. */
	static Throwable unwrap(Throwable failure) {
		Throwable current = failure;
		while ((current instanceof CompletionException || current instanceof MethodFailure)
				&& current.getCause() != null) {
			current = current.getCause();
		}
		return current;
	}

	private static String describe(Method method) {
		return AnnotationOperationSource.describe(method);
	}

	/** Acquires the lock of one call. */
	@FunctionalInterface
	private interface Locker {

		CompletableFuture<AsyncLock> acquire();

	}

	/**
	 * Carries the method's own exception through the cache, which passes a runtime
	 * exception on unchanged (and would wrap a checked one).
	 */
	static final class MethodFailure extends RuntimeException {

		private static final long serialVersionUID = 1L;

		MethodFailure(Throwable original) {
			super(null, original, false, false);
		}

	}

	/** The {@code Mono} and {@code Flux} paths: only loaded for such methods. */
	private static final class Reactive {

		private Reactive() {
		}

		static Mono<@Nullable Object> remember(MethodInvocation invocation, String key, RememberPolicy policy,
				RememberOperation remember, Cache cache) {
			return Mono
				.fromFuture(() -> cache.async()
					.remember(key, policy, remember.valueType(),
							() -> Mono.from(publisher(invocation)).onErrorMap(MethodFailure::new).toFuture()))
				.onErrorMap(AsyncInvocations::isWrapped, AsyncInvocations::unwrap);
		}

		static Publisher<?> withLock(MethodInvocation invocation, Locker locker, boolean many) {
			// released before the result terminates downstream (and on cancellation)
			if (many) {
				return Flux.usingWhen(Mono.fromFuture(locker::acquire), (lock) -> publisher(invocation),
						AsyncInvocations.Reactive::release, (lock, error) -> release(lock),
						AsyncInvocations.Reactive::release);
			}
			return Mono.usingWhen(Mono.fromFuture(locker::acquire), (lock) -> Mono.from(publisher(invocation)),
					AsyncInvocations.Reactive::release, (lock, error) -> release(lock),
					AsyncInvocations.Reactive::release);
		}

		@SuppressWarnings("unchecked")
		static Publisher<?> afterCompletion(Object result, boolean many,
				Function<@Nullable Object, CompletableFuture<?>> forget) {
			Mono<Object> forgetNothing = Mono.defer(() -> Mono.fromFuture(() -> forget.apply(null))).then(Mono.empty());
			if (many) {
				return Flux.from((Publisher<Object>) result).concatWith(forgetNothing);
			}
			return Mono.from((Publisher<Object>) result)
				.flatMap((value) -> Mono.fromFuture(() -> forget.apply(value)).thenReturn(value))
				.switchIfEmpty(forgetNothing);
		}

		private static Mono<Void> release(AsyncLock lock) {
			return Mono.fromFuture(lock::release);
		}

		@SuppressWarnings("unchecked")
		private static Publisher<Object> publisher(MethodInvocation invocation) {
			Object result;
			try {
				result = proceedAgain(invocation);
			}
			catch (Throwable ex) {
				return Flux.error(ex);
			}
			if (result == null) {
				return Flux.error(new IllegalStateException(
						"The publisher returned by " + describe(invocation.getMethod()) + " must not be null"));
			}
			return (Publisher<Object>) result;
		}

	}

	private static boolean isWrapped(Throwable failure) {
		return failure instanceof MethodFailure || failure instanceof CompletionException;
	}

}
