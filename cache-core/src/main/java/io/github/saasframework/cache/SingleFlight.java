package io.github.saasframework.cache;

import java.lang.reflect.Type;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

/**
 * Makes concurrent callers of one key in this process share one computation: the first
 * caller runs it, the others wait for its outcome (value or exception). Calls are keyed
 * by Redis key and requested type, so callers asking for different types never receive
 * each other's objects.
 */
final class SingleFlight {

	private final ConcurrentMap<Flight, CompletableFuture<@Nullable Object>> inFlight = new ConcurrentHashMap<>();

	/**
	 * Runs {@code computation}, or waits for the run another thread already started for
	 * the same key and type.
	 * @throws RuntimeException or Error: whatever the computation threw, unchanged
	 */
	@Nullable Object run(String redisKey, Type type, Supplier<@Nullable Object> computation) {
		Flight flight = new Flight(redisKey, type);
		CompletableFuture<@Nullable Object> mine = new CompletableFuture<>();
		CompletableFuture<@Nullable Object> running = this.inFlight.putIfAbsent(flight, mine);
		if (running != null) {
			return await(running, redisKey);
		}
		try {
			Object value = computation.get();
			mine.complete(value);
			return value;
		}
		catch (RuntimeException | Error ex) {
			mine.completeExceptionally(ex);
			throw ex;
		}
		finally {
			this.inFlight.remove(flight, mine);
		}
	}

	private static @Nullable Object await(CompletableFuture<@Nullable Object> running, String redisKey) {
		try {
			return running.get();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new CacheException(
					"Interrupted while waiting for another thread to load key " + Arguments.quote(redisKey), ex);
		}
		catch (ExecutionException ex) {
			Throwable cause = ex.getCause();
			if (cause instanceof RuntimeException runtime) {
				throw runtime;
			}
			if (cause instanceof Error error) {
				throw error;
			}
			throw new CacheException("Loading key " + Arguments.quote(redisKey) + " failed", cause);
		}
	}

	private record Flight(String redisKey, Type type) {
	}

}
