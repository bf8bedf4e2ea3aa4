package io.github.saasframework.cache.reactive;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.function.Supplier;

import io.github.saasframework.cache.AsyncCache;
import io.github.saasframework.cache.Cache;
import io.github.saasframework.cache.RememberPolicy;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.ParameterizedTypeReference;

/**
 * The reactive face of a {@link Cache}: the {@link Mono}/{@link Flux} twins of
 * {@link AsyncCache}, on the same keys, prefix, serializer, TTL rules, near cache,
 * meters, observations, single-flight and fail-open. Made by {@link #of(Cache)}; the
 * Spring Boot starter offers one as a bean (on the {@code Cache} bean) when Reactor is on
 * the classpath.
 * <p>
 * <b>Lazy and non-blocking.</b> Arguments are checked when a method is called (a bad one
 * throws {@link IllegalArgumentException} at once); nothing is sent to Redis before the
 * returned publisher is subscribed to, and every subscription sends the command again. No
 * subscription blocks: a Redis failure is an {@code onError} signal with the
 * {@link org.springframework.dao.DataAccessException} the blocking API throws, within
 * about the command timeout; {@code remember} fails open as {@link Cache#remember} does.
 * A cancelled subscription cancels the command's future (the command itself may still
 * run); a cancelled {@code remember} leaves its load running for the other callers of the
 * key, and its value is stored.
 * <p>
 * <b>Threads.</b> Signals arrive on Lettuce's I/O threads (as with Spring Data's
 * {@code ReactiveRedisTemplate}), on the cache's loader threads, or on the subscriber's
 * thread (a near-cache hit). Loaders are called on the cache's loader threads, never on
 * Lettuce's. Blocking work downstream belongs on a scheduler of its own
 * ({@code publishOn(Schedulers.boundedElastic())}). Thread-safe.
 *
 * @since 0.3.0
 * @see AsyncCache
 */
public interface ReactiveCache {

	/**
	 * The reactive face of a cache (root or {@code withPrefix} child).
	 * @param cache the cache, as made by {@code RedisCache.create}
	 * @return the reactive cache
	 * @throws IllegalArgumentException if {@code cache} is null
	 */
	static ReactiveCache of(Cache cache) {
		return new DefaultReactiveCache(cache);
	}

	/**
	 * Reads a value: one {@code GET} (nothing, for a near-cache hit).
	 * @param <T> the value type
	 * @param key the key
	 * @param type the class to read the value as
	 * @return the value; empty if there is no such key (or a cached {@code null})
	 * @throws IllegalArgumentException if {@code key} is null or blank, or {@code type}
	 * is null
	 */
	<T> Mono<T> get(String key, Class<T> type);

	/**
	 * Reads a value of a generic type: one {@code GET}.
	 * @param <T> the value type
	 * @param key the key
	 * @param type the type to read the value as ({@code List<Book>})
	 * @return the value; empty if there is no such key
	 * @throws IllegalArgumentException if {@code key} is null or blank, or {@code type}
	 * is null
	 */
	<T> Mono<T> get(String key, ParameterizedTypeReference<T> type);

	/**
	 * Reads several values: one {@code MGET} per node for the keys memory does not hold.
	 * @param <T> the value type
	 * @param keys the keys
	 * @param type the class to read the values as
	 * @return the values found, in the order of the keys; missing keys are absent
	 * @throws IllegalArgumentException if the collection or a key is null or blank
	 */
	<T> Mono<Map<String, T>> getAll(Collection<String> keys, Class<T> type);

	/**
	 * Reads several values of a generic type.
	 * @param <T> the value type
	 * @param keys the keys
	 * @param type the type to read the values as
	 * @return the values found, in the order of the keys
	 * @throws IllegalArgumentException if the collection or a key is null or blank
	 */
	<T> Mono<Map<String, T>> getAll(Collection<String> keys, ParameterizedTypeReference<T> type);

	/**
	 * Stores a value with the default TTL: one {@code SET key value PX ttl}.
	 * @param key the key
	 * @param value the value (serialized on subscription: a value that cannot be written
	 * is an {@code onError} with a
	 * {@link io.github.saasframework.cache.serializer.CacheSerializationException})
	 * @return completes when Redis stored it
	 * @throws IllegalArgumentException if {@code key} is null or blank or {@code value}
	 * is null
	 */
	Mono<Void> set(String key, Object value);

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
	Mono<Void> set(String key, Object value, Duration ttl);

	/**
	 * Removes a key: one {@code UNLINK}.
	 * @param key the key
	 * @return {@code true} if a key was removed
	 * @throws IllegalArgumentException if {@code key} is null or blank
	 */
	Mono<Boolean> delete(String key);

	/**
	 * Adds to an integer counter, atomically: one {@code INCRBY}.
	 * @param key the key
	 * @param delta the amount, negative to subtract
	 * @return the new value
	 * @throws IllegalArgumentException if {@code key} is null or blank
	 */
	Mono<Long> increment(String key, long delta);

	/**
	 * The stored value, or the loader's, stored for the next caller: as
	 * {@link AsyncCache#remember(String, Duration, Class, Supplier)}, one load per key
	 * across all instances (the same load lease as {@link Cache#remember}), fail-open on
	 * outages; waiting for another instance's load polls on a timer, never a sleeping
	 * thread.
	 * @param <T> the value type
	 * @param key the key
	 * @param ttl time to live of a loaded value; {@link Duration#ZERO} for the default
	 * @param type the class to read and store the value as
	 * @param loader called on a miss, on one of the cache's loader threads; the
	 * {@code Mono} it returns is subscribed to once and its value stored (an empty
	 * {@code Mono} stores nothing, unless null caching is on, and completes empty)
	 * @return the value; empty for a cached or loaded {@code null}
	 * @throws IllegalArgumentException if an argument is null or blank, or {@code ttl} is
	 * negative
	 */
	<T> Mono<T> remember(String key, Duration ttl, Class<T> type, Supplier<? extends Mono<T>> loader);

	/**
	 * As {@link #remember(String, Duration, Class, Supplier)}, with the per-call settings
	 * of a {@link RememberPolicy} (TTL, null caching, veto, refresh-ahead) and a generic
	 * type.
	 * @param <T> the value type
	 * @param key the key
	 * @param policy the per-call settings
	 * @param type the type to read and store the value as
	 * @param loader called on a miss
	 * @return the value; empty for a cached or loaded {@code null}
	 * @throws IllegalArgumentException if an argument is null or blank
	 */
	<T> Mono<T> remember(String key, RememberPolicy policy, ParameterizedTypeReference<T> type,
			Supplier<? extends Mono<T>> loader);

	/**
	 * Remembers what a {@link Flux} emits, as one entry holding the list of its elements
	 * (a plain JSON array, what Spring's {@code @Cacheable} stores for a {@code Flux}
	 * method): a hit emits the stored elements; a miss subscribes to the loader's
	 * {@code Flux} once, collects it, stores the list and emits it. Single-flight and
	 * fail-open as {@link #remember(String, Duration, Class, Supplier)}. Meant for short,
	 * finite streams: the whole stream is held in memory and in one Redis value.
	 * @param <T> the element type
	 * @param key the key
	 * @param ttl time to live of a loaded list; {@link Duration#ZERO} for the default
	 * @param elementType the class of the elements
	 * @param loader called on a miss, on one of the cache's loader threads
	 * @return the elements
	 * @throws IllegalArgumentException if an argument is null or blank, or {@code ttl} is
	 * negative
	 */
	<T> Flux<T> rememberMany(String key, Duration ttl, Class<T> elementType, Supplier<? extends Flux<T>> loader);

	/**
	 * The reactive face of {@code cache.withPrefix(prefix)}.
	 * @param prefix the prefix part(s) to add
	 * @return the reactive cache of that namespace
	 * @throws IllegalArgumentException if {@code prefix} is null or blank
	 */
	ReactiveCache withPrefix(String prefix);

	/**
	 * The {@code CompletableFuture}-based face of the same cache.
	 * @return the asynchronous cache this one wraps
	 */
	AsyncCache async();

}
