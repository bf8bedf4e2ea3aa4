package io.github.saasframework.cache;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import org.springframework.core.ParameterizedTypeReference;

/**
 * The non-blocking face of a {@link Cache} ({@link Cache#async()}): the same keys,
 * prefix, serializer, TTL rules, near cache, meters and observations, each call answered
 * by a {@link CompletableFuture}.
 * <p>
 * <b>Never blocks.</b> Every method returns before Redis answers, also while Redis stalls
 * or is down: the command is handed to Lettuce's asynchronous API (a near-cache hit
 * completes at once). The future then completes with the result, or exceptionally with
 * the {@link org.springframework.dao.DataAccessException} the blocking method would
 * throw, within about the command timeout. Arguments are checked before anything is sent:
 * a bad one throws {@link IllegalArgumentException} at once (the future is not returned),
 * as the blocking methods do.
 * <p>
 * <b>Threads.</b> Futures complete on Lettuce's I/O threads (as Lettuce's own do), on the
 * cache's loader threads, or at once on the caller's thread (a near-cache hit); the
 * library runs nothing on Lettuce's threads that can block: a {@code remember} loader is
 * always called on the cache's loader threads ({@code cache-loader-*}). Code that blocks
 * (or calls the blocking {@link Cache}) in a dependent stage must use the {@code *Async}
 * variants of {@link CompletableFuture} with an executor of its own: blocking a Lettuce
 * thread stalls every command of the connection.
 *
 * @since 0.3.0
 * @see Cache#async()
 */
public interface AsyncCache {

	/**
	 * Reads a value: one {@code GET} (nothing, for a near-cache hit).
	 * @param <T> the value type
	 * @param key the key
	 * @param type the class to read the value as
	 * @return the value, or empty if there is no such key
	 * @throws IllegalArgumentException if {@code key} is null or blank, or {@code type}
	 * is null
	 */
	<T> CompletableFuture<Optional<T>> get(String key, Class<T> type);

	/**
	 * Reads a value of a generic type: one {@code GET}.
	 * @param <T> the value type
	 * @param key the key
	 * @param type the type to read the value as
	 * @return the value, or empty if there is no such key
	 * @throws IllegalArgumentException if {@code key} is null or blank, or {@code type}
	 * is null
	 */
	<T> CompletableFuture<Optional<T>> get(String key, ParameterizedTypeReference<T> type);

	/**
	 * Reads several values: one {@code MGET} per node for the keys memory does not hold.
	 * @param <T> the value type
	 * @param keys the keys
	 * @param type the class to read the values as
	 * @return the values found, in the order of the keys; missing keys are absent
	 * @throws IllegalArgumentException if the collection or a key is null or blank
	 */
	<T> CompletableFuture<Map<String, T>> getAll(Collection<String> keys, Class<T> type);

	/**
	 * Reads several values of a generic type.
	 * @param <T> the value type
	 * @param keys the keys
	 * @param type the type to read the values as
	 * @return the values found, in the order of the keys
	 * @throws IllegalArgumentException if the collection or a key is null or blank
	 */
	<T> CompletableFuture<Map<String, T>> getAll(Collection<String> keys, ParameterizedTypeReference<T> type);

	/**
	 * Stores a value with the default TTL: one {@code SET key value PX ttl}.
	 * @param key the key
	 * @param value the value, serialized before the future is returned
	 * @return completes when Redis stored it
	 * @throws IllegalArgumentException if {@code key} is null or blank or {@code value}
	 * is null
	 * @throws io.github.saasframework.cache.serializer.CacheSerializationException if the
	 * value cannot be written
	 */
	CompletableFuture<Void> set(String key, Object value);

	/**
	 * Stores a value: one {@code SET key value PX ttl}.
	 * @param key the key
	 * @param value the value
	 * @param ttl time to live; {@link Duration#ZERO} for the default TTL;
	 * {@link Cache#NO_EXPIRY} for none
	 * @return completes when Redis stored it
	 * @throws IllegalArgumentException if an argument is null or blank, or {@code ttl} is
	 * negative
	 */
	CompletableFuture<Void> set(String key, Object value, Duration ttl);

	/**
	 * Removes a key: one {@code UNLINK}.
	 * @param key the key
	 * @return {@code true} if a key was removed
	 * @throws IllegalArgumentException if {@code key} is null or blank
	 */
	CompletableFuture<Boolean> delete(String key);

	/**
	 * Adds to an integer counter, atomically: one {@code INCRBY}.
	 * @param key the key
	 * @param delta the amount, negative to subtract
	 * @return the new value
	 * @throws IllegalArgumentException if {@code key} is null or blank
	 */
	CompletableFuture<Long> increment(String key, long delta);

	/**
	 * The stored value, or the loader's, stored for the next caller: as
	 * {@link Cache#remember(String, Duration, Class, java.util.concurrent.Callable)}, one
	 * load per key across all instances (the same load lease), fail-open on outages; the
	 * loader's stage is awaited without blocking a thread, and waiting for another
	 * instance's load polls on a timer, never a sleeping thread.
	 * @param <T> the value type
	 * @param key the key
	 * @param ttl time to live of a loaded value; {@link Duration#ZERO} for the default
	 * @param type the class to read and store the value as
	 * @param loader called on a miss, on one of the cache's loader threads (never a
	 * Lettuce thread); its stage's value is stored (a {@code null} value is not, unless
	 * null caching is on); a stage that fails is passed on (a checked exception wrapped
	 * in a {@link CacheException}) and nothing is stored
	 * @return the value
	 * @throws IllegalArgumentException if an argument is null or blank, or {@code ttl} is
	 * negative
	 */
	<T> CompletableFuture<T> remember(String key, Duration ttl, Class<T> type,
			Supplier<? extends CompletionStage<T>> loader);

	/**
	 * As {@link #remember(String, Duration, Class, Supplier)}, with the per-call settings
	 * of a {@link RememberPolicy} (TTL, null caching, veto, refresh-ahead) and a generic
	 * type.
	 * @param <T> the value type
	 * @param key the key
	 * @param policy the per-call settings
	 * @param type the type to read and store the value as
	 * @param loader called on a miss
	 * @return the value
	 * @throws IllegalArgumentException if an argument is null or blank, or the policy's
	 * {@code refreshAfter} is not shorter than its TTL
	 */
	<T> CompletableFuture<T> remember(String key, RememberPolicy policy, ParameterizedTypeReference<T> type,
			Supplier<? extends CompletionStage<T>> loader);

}
