package io.github.saasframework.cache.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

/**
 * One piece of work per key in flight in this process, as a {@link CompletableFuture}
 * (Caffeine's {@code AsyncCache} design): the first caller of a key starts the work,
 * later callers of the same key get the same future until it completes, and then the key
 * is free again. Used for the loads of {@code remember} (one loader call per key) and
 * refresh-ahead (one reload per key). Blocking callers wait on the future; asynchronous
 * callers compose on it. Thread-safe.
 *
 * @param <K> the key type
 * @param <V> the result type
 */
public final class InFlight<K, V> {

	private final ConcurrentMap<K, CompletableFuture<V>> running = new ConcurrentHashMap<>();

	/**
	 * The future of the work in flight for {@code key}, or of new work: when nothing is
	 * in flight, {@code work} is called with a new, incomplete future that it must
	 * complete (now or later); the key is freed when that future completes, before the
	 * shared future completes, so a call made after a caller saw the result starts new
	 * work.
	 * @param key the key
	 * @param work starts the work; called at most once per call, on the caller's thread
	 * @return the future shared by every caller of the key until it completes
	 */
	public CompletableFuture<V> join(K key, Function<CompletableFuture<V>, ?> work) {
		CompletableFuture<V> existing = this.running.get(key);
		if (existing != null) {
			return existing;
		}
		CompletableFuture<V> shared = new CompletableFuture<>();
		existing = this.running.putIfAbsent(key, shared);
		if (existing != null) {
			return existing;
		}
		// The work completes its own future, and the shared one only after the key is
		// freed: a caller that sees the result and calls again starts new work (a future
		// runs its latest dependents first, so freeing the key in a dependent of the
		// shared future would come after the callers' own). A shared future completed
		// from outside (cancelled) frees the key as well.
		shared.whenComplete((value, failure) -> this.running.remove(key, shared));
		CompletableFuture<V> mine = new CompletableFuture<>();
		mine.whenComplete((value, failure) -> {
			this.running.remove(key, shared);
			if (failure != null) {
				shared.completeExceptionally(failure);
			}
			else {
				shared.complete(value);
			}
		});
		try {
			work.apply(mine);
		}
		catch (RuntimeException | Error ex) {
			mine.completeExceptionally(ex);
		}
		return shared;
	}

	/**
	 * Whether this caller would start new work for {@code key}: starts it when nothing is
	 * in flight and returns the new future; returns {@code null} when work for the key is
	 * already in flight (the caller then does nothing, as refresh-ahead does).
	 * @param key the key
	 * @return the caller's new future to complete, or {@code null}
	 */
	public @Nullable CompletableFuture<V> startIfIdle(K key) {
		CompletableFuture<V> mine = new CompletableFuture<>();
		if (this.running.putIfAbsent(key, mine) != null) {
			return null;
		}
		mine.whenComplete((value, failure) -> this.running.remove(key, mine));
		return mine;
	}

	/**
	 * The future in flight for a key, if any.
	 * @param key the key
	 * @return the future, or {@code null}
	 */
	public @Nullable CompletableFuture<V> get(K key) {
		return this.running.get(key);
	}

	/**
	 * How many keys have work in flight.
	 * @return the number of keys
	 */
	public int size() {
		return this.running.size();
	}

}
