package io.github.saasframework.cache.spring;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.github.saasframework.cache.CacheException;
import org.jspecify.annotations.Nullable;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.aop.support.AopUtils;
import org.springframework.core.ReactiveAdapter;
import org.springframework.core.ReactiveAdapterRegistry;
import org.springframework.util.ClassUtils;

/**
 * One invocation of a cached method, as Spring's interceptor hands it to the cache
 * resolver (the target object behind the proxy, the method, the arguments), kept so that
 * refresh-ahead can call the method again for a stale entry: on a thread of the cache's
 * reload pool, never the caller's, and on the target itself, so Spring's cache advice
 * does not answer the reload from the entry being refreshed. What the method returns is
 * unwrapped as Spring unwraps it before a {@code put}: an {@code Optional} to its value,
 * a {@code CompletableFuture} to its result, a single-value reactive type ({@code Mono})
 * to its value and a multi-value one ({@code Flux}) to the list of its elements (the last
 * two subscribed to on the reload thread; each waited for up to the load lease).
 */
final class CachedInvocation {

	/** Whether reactive results can be reloaded: Spring caches them only with Reactor. */
	static final boolean REACTOR_PRESENT = ClassUtils.isPresent("reactor.core.publisher.Flux",
			CachedInvocation.class.getClassLoader());

	private final Object target;

	private final Method method;

	private final @Nullable Object[] arguments;

	private final Duration wait;

	CachedInvocation(Object target, Method method, @Nullable Object[] arguments, Duration wait) {
		this.target = target;
		this.method = method;
		this.arguments = arguments.clone();
		this.wait = wait;
	}

	/**
	 * Calls the method again and returns the value to store.
	 * @throws Exception what the method throws, or a {@link CacheException} when its
	 * result does not complete within the wait (a reactive result's subscription is then
	 * cancelled)
	 */
	@Nullable Object reload() throws Exception {
		Object result;
		try {
			result = AopUtils.invokeJoinpointUsingReflection(this.target, this.method, this.arguments);
		}
		catch (Exception ex) {
			throw ex;
		}
		catch (Throwable ex) {
			throw new CacheException("Reloading " + this.method + " failed", ex);
		}
		if (result instanceof Optional<?> optional) {
			return optional.orElse(null);
		}
		CompletableFuture<?> subscription = null;
		if (result != null && !(result instanceof CompletionStage<?>) && REACTOR_PRESENT) {
			ReactiveAdapter adapter = ReactiveAdapterRegistry.getSharedInstance().getAdapter(result.getClass());
			if (adapter != null) {
				subscription = ReactiveResults.toFuture(adapter, result);
				result = subscription;
			}
		}
		if (result instanceof CompletionStage<?> stage) {
			try {
				return stage.toCompletableFuture().get(this.wait.toMillis(), TimeUnit.MILLISECONDS);
			}
			catch (ExecutionException ex) {
				Throwable cause = ex.getCause();
				throw (cause instanceof Exception exception) ? exception : ex;
			}
			catch (TimeoutException ex) {
				if (subscription != null) {
					// ours, unlike a future the method returned: cancelling disposes it
					subscription.cancel(false);
				}
				throw new CacheException("The result of " + this.method + " did not complete within " + this.wait
						+ " while reloading a stale entry", ex);
			}
		}
		return result;
	}

	/** Reactor's part, loaded only when Reactor is on the class path. */
	private static final class ReactiveResults {

		static CompletableFuture<?> toFuture(ReactiveAdapter adapter, Object result) {
			if (adapter.isMultiValue()) {
				// Spring caches a Flux as the list of its elements
				return Flux.from(adapter.toPublisher(result)).collectList().toFuture();
			}
			return Mono.from(adapter.toPublisher(result)).toFuture();
		}

	}

}
