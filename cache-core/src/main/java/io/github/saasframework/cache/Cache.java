package io.github.saasframework.cache;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import io.github.saasframework.cache.lock.DistributedLock;
import io.github.saasframework.cache.lock.LockNotAcquiredException;
import io.github.saasframework.cache.lock.LockNotHeldException;
import io.github.saasframework.cache.serializer.CacheSerializationException;
import org.jspecify.annotations.Nullable;

import org.springframework.core.ParameterizedTypeReference;

/**
 * A Redis cache: values with a time to live, batches, cache-or-compute, distributed
 * locks, atomic counters, SCAN-based pattern deletion, TTL and key management, and
 * namespaces.
 * <p>
 * <b>Keys.</b> Every key, lock name and pattern is relative to this cache's
 * {@link #prefix()}: with the prefix {@code myapp}, the key {@code user:42} is stored as
 * {@code myapp:user:42}. Keys must not be {@code null} or blank. Methods that return keys
 * return them without the prefix.
 * <p>
 * <b>Values.</b> The configured
 * {@link io.github.saasframework.cache.serializer.CacheSerializer} writes values:
 * {@code String} and {@code byte[]} raw, everything else as plain JSON, the same wire
 * format as the Go package this library ports. Values come back typed: ask for a
 * {@code Class} or, for generic types, a {@link ParameterizedTypeReference}. {@code null}
 * values are never stored.
 * <p>
 * <b>TTL.</b> Millisecond precision ({@code PX}, {@code PEXPIRE}); {@link Duration#ZERO}
 * means the default TTL, {@link #NO_EXPIRY} none; a sub-millisecond TTL is rounded up to
 * one millisecond, a negative one refused.
 * <p>
 * <b>Failures.</b> Arguments are validated before anything is sent to Redis: bad ones
 * throw {@link IllegalArgumentException} naming the argument, and nothing stored is
 * touched. A value the serializer cannot write throws {@link CacheSerializationException}
 * before anything is written; stored bytes that cannot be read as the requested type
 * throw it naming the key. Redis failures surface as Spring's
 * {@link org.springframework.dao.DataAccessException} subtypes, unchanged.
 * <p>
 * <b>Atomicity and Cluster.</b> Every single-key call is one Redis command or one Lua
 * script, hence atomic. Batches are one round trip per node, grouped by hash slot on a
 * cluster, not atomic as a whole, never one command per key. Pattern operations walk
 * every master with {@code SCAN}. Keys renamed into each other share a {@code {hash
 * tag}}: {@code {order:42}:draft}. {@link #async()} is the same cache, non-blocking.
 * Implementations are thread-safe.
 *
 * @since 0.1.0
 * @see RedisCache
 */
public interface Cache {

	/**
	 * What {@link #getTtl(String)} reports for a key that exists without an expiry; also
	 * accepted as a TTL meaning "no expiry".
	 */
	Duration NO_EXPIRY = ChronoUnit.FOREVER.getDuration();

	// ---------------------------------------------------------------- basic

	/**
	 * Reads a value: one {@code GET}.
	 * @param <T> the value type
	 * @param key the key
	 * @param type the class to read the value as
	 * @return the value, or empty if there is no such key
	 * @throws IllegalArgumentException if {@code key} is null or blank, or {@code type}
	 * is null
	 * @throws CacheSerializationException if the stored bytes are not a valid
	 * {@code type}
	 */
	<T> Optional<T> get(String key, Class<T> type);

	/**
	 * As {@link #get(String, Class)}, for a generic type such as {@code new
	 * ParameterizedTypeReference<List<User>>() {}}.
	 * @param <T> the value type
	 * @param key the key
	 * @param type the type to read the value as
	 * @return the value, or empty if there is no such key
	 */
	<T> Optional<T> get(String key, ParameterizedTypeReference<T> type);

	/**
	 * Stores a value with the default TTL, as {@link #set(String, Object, Duration)}.
	 * @param key the key
	 * @param value the value, not {@code null}
	 */
	void set(String key, Object value);

	/**
	 * Stores a value: one {@code SET key value PX ttl} (a plain {@code SET} for
	 * {@link #NO_EXPIRY}), replacing any value and TTL the key had.
	 * <p>
	 * A call that fails with a timeout may still have been applied: the command can reach
	 * Redis after the caller stopped waiting (true of any Redis client). What a failed
	 * call guarantees is only what fails before sending: a bad argument or value leaves
	 * the stored value intact.
	 * @param key the key
	 * @param value the value, not {@code null}
	 * @param ttl time to live; {@link Duration#ZERO} for the default TTL;
	 * {@link #NO_EXPIRY} for none
	 * @throws IllegalArgumentException if {@code key} is null or blank, {@code value} is
	 * null, {@code ttl} is null, negative or longer than Redis can keep (other than
	 * {@link #NO_EXPIRY}), or the value is larger than the configured maximum value size;
	 * nothing is written
	 * @throws CacheSerializationException if the value cannot be serialized; nothing is
	 * written
	 */
	void set(String key, Object value, Duration ttl);

	/**
	 * Stores a value only if the key does not exist: one {@code SET key value PX ttl NX},
	 * atomic across all processes.
	 * @param key the key
	 * @param value the value, not {@code null}
	 * @param ttl time to live; {@link Duration#ZERO} for the default TTL
	 * @return {@code true} if the value was stored, {@code false} if the key existed (its
	 * value and TTL are untouched)
	 * @throws IllegalArgumentException as {@link #set(String, Object, Duration)}
	 * @throws CacheSerializationException as {@link #set(String, Object, Duration)}
	 * @since 0.2.0
	 */
	boolean setIfAbsent(String key, Object value, Duration ttl);

	/**
	 * Removes a key: one {@code UNLINK} (the memory is reclaimed in the background).
	 * @param key the key
	 * @return {@code true} if a key was removed
	 * @throws IllegalArgumentException if {@code key} is null or blank
	 */
	boolean delete(String key);

	/**
	 * Counts how many of the keys exist: one {@code EXISTS} (per slot on a cluster). A
	 * key named twice counts twice; a cached {@code null} of {@code remember} exists.
	 * @param keys the keys; none gives 0 without a call to Redis
	 * @return how many of the keys exist
	 * @throws IllegalArgumentException if the array or any key is null or blank
	 */
	long exists(String... keys);

	// ---------------------------------------------------------------- batch

	/**
	 * Reads many values in one {@code MGET} (one per hash slot on a cluster, pipelined
	 * per node). More than 128 keys are read by one {@code MGET} per 128, all sent before
	 * any reply is awaited; each part's values are decoded while the next parts are still
	 * being read. Each part is read at its own instant: such a call is not one atomic
	 * snapshot of the keys.
	 * @param <T> the value type
	 * @param keys the keys; an empty collection gives an empty map without a call to
	 * Redis
	 * @param type the class to read the values as
	 * @return the values found, by key, in the iteration order of {@code keys}; missing
	 * keys are absent from the map
	 * @throws IllegalArgumentException if {@code keys}, any key or {@code type} is null,
	 * or a key is blank
	 * @throws CacheSerializationException if a stored value is not a valid {@code type};
	 * the message names its key
	 */
	<T> Map<String, T> getAll(Collection<String> keys, Class<T> type);

	/**
	 * As {@link #getAll(Collection, Class)}, for a generic type.
	 * @param <T> the value type
	 * @param keys the keys
	 * @param type the type to read the values as
	 * @return the values found, by key, in the iteration order of {@code keys}
	 */
	<T> Map<String, T> getAll(Collection<String> keys, ParameterizedTypeReference<T> type);

	/**
	 * Stores many values, each with the same TTL: pipelined {@code SET key value PX ttl}
	 * (routed to each key's node on a cluster), one round trip per chunk of 1000 entries
	 * ({@link CacheConfig#batchChunkSize()}). Every value is serialized before anything
	 * is written. Each {@code SET} is atomic; the batch as a whole is not: when a chunk
	 * fails (a timeout, say), the call throws without sending the later chunks, so what
	 * may have been written is the chunks before it and part of the failing one. The call
	 * waits at most about one command timeout per chunk. Writing the same batch again is
	 * safe.
	 * @param items the values by key; an empty map does nothing
	 * @param ttl time to live of every item; {@link Duration#ZERO} for the default TTL
	 * @throws IllegalArgumentException if {@code items} or a key or value in it is null,
	 * a key is blank, or {@code ttl} is null or negative; nothing is written
	 * @throws CacheSerializationException if any value cannot be serialized; nothing is
	 * written
	 */
	void setAll(Map<String, ?> items, Duration ttl);

	/**
	 * Removes many keys in one {@code UNLINK} (one per hash slot on a cluster, pipelined
	 * per node).
	 * @param keys the keys; an empty collection gives 0 without a call to Redis
	 * @return how many keys were removed
	 * @throws IllegalArgumentException if {@code keys} or any key is null or blank
	 */
	long deleteAll(Collection<String> keys);

	// ---------------------------------------------------------------- remember

	/**
	 * Returns the cached value, or computes, stores and returns it on a miss
	 * (cache-aside). A hit is one {@code GET}; a miss adds the loader call and one
	 * {@code SET ... PX}.
	 * <p>
	 * Concurrent callers of the same key in one process share one loader call: one of
	 * them loads, the others wait for its result. A loader that returns {@code null}
	 * stores nothing and {@code null} is returned. The value comes back as {@code type}
	 * on a hit and on a miss alike.
	 * @param <T> the value type
	 * @param key the key
	 * @param ttl time to live of a computed value; {@link Duration#ZERO} for the default
	 * TTL
	 * @param type the class to read a cached value as
	 * @param loader computes the value on a miss
	 * @return the cached or computed value, {@code null} only if the loader returned it
	 * @throws IllegalArgumentException if an argument is null, the key blank or the TTL
	 * negative
	 * @throws CacheSerializationException if the cached bytes are not a valid
	 * {@code type}, or the computed value cannot be serialized (then nothing is stored)
	 * @throws CacheException wrapping a checked exception of the loader (as its cause);
	 * nothing is stored. Unchecked exceptions and errors of the loader propagate
	 * unchanged
	 */
	<T> @Nullable T remember(String key, Duration ttl, Class<T> type, Callable<? extends T> loader);

	/**
	 * As {@link #remember(String, Duration, Class, Callable)}, for a generic type.
	 * @param <T> the value type
	 * @param key the key
	 * @param ttl time to live of a computed value; {@link Duration#ZERO} for the default
	 * TTL
	 * @param type the type to read a cached value as
	 * @param loader computes the value on a miss
	 * @return the cached or computed value, {@code null} only if the loader returned it
	 */
	<T> @Nullable T remember(String key, Duration ttl, ParameterizedTypeReference<T> type,
			Callable<? extends T> loader);

	/**
	 * As {@link #remember(String, Duration, Class, Callable)}, but a computed value is
	 * stored without expiry.
	 * @param <T> the value type
	 * @param key the key
	 * @param type the class to read a cached value as
	 * @param loader computes the value on a miss
	 * @return the cached or computed value, {@code null} only if the loader returned it
	 * @throws IllegalArgumentException if an argument is null or the key blank
	 * @throws CacheSerializationException as
	 * {@link #remember(String, Duration, Class, Callable)}
	 * @throws CacheException as {@link #remember(String, Duration, Class, Callable)}
	 */
	<T> @Nullable T rememberForever(String key, Class<T> type, Callable<? extends T> loader);

	/**
	 * As {@link #rememberForever(String, Class, Callable)}, for a generic type.
	 * @param <T> the value type
	 * @param key the key
	 * @param type the type to read a cached value as
	 * @param loader computes the value on a miss
	 * @return the cached or computed value, {@code null} only if the loader returned it
	 */
	<T> @Nullable T rememberForever(String key, ParameterizedTypeReference<T> type, Callable<? extends T> loader);

	/**
	 * Cache-or-compute with per-call settings beyond a TTL, as
	 * {@link #remember(String, Duration, Class, Callable)} in every other respect (the
	 * same single-flight, load lease and fail-open).
	 * <p>
	 * With {@link RememberPolicy#refreshAfter(Duration) refreshAfter}, a hit reads the
	 * value and its remaining TTL in one round trip (one {@code EVALSHA} of a read-only
	 * script on the key, instead of a {@code GET}); a hit on an entry older than
	 * {@code refreshAfter} returns the stored value and reloads it in the background
	 * under the key's load lease, so once across all processes. On a cluster the script
	 * and the lease touch one key each.
	 * @param <T> the value type
	 * @param key the key, relative to the prefix
	 * @param policy the TTL and what to store, see {@link RememberPolicy}
	 * @param type the value type
	 * @param loader computes the value on a miss
	 * @return the cached or loaded value; {@code null} if the loader returned
	 * {@code null}
	 * @throws IllegalArgumentException if an argument is null or the key blank, or if the
	 * policy's {@code refreshAfter} is not shorter than its TTL (or is set for values
	 * stored without expiry); nothing is sent to Redis then
	 * @since 0.2.0
	 */
	<T> @Nullable T remember(String key, RememberPolicy policy, Class<T> type, Callable<? extends T> loader);

	/**
	 * As {@link #remember(String, RememberPolicy, Class, Callable)}, for a generic type.
	 * @param <T> the value type
	 * @param key the key, relative to the prefix
	 * @param policy the TTL and what to store
	 * @param type the value type
	 * @param loader computes the value on a miss
	 * @return the cached or loaded value; {@code null} if the loader returned
	 * {@code null}
	 */
	<T> @Nullable T remember(String key, RememberPolicy policy, ParameterizedTypeReference<T> type,
			Callable<? extends T> loader);

	// ---------------------------------------------------------------- pattern deletion

	/**
	 * Removes every key under this cache's prefix that matches a glob pattern:
	 * {@code SCAN} with {@code MATCH} and {@code COUNT 1000}, and one {@code UNLINK} per
	 * page, on every master. Never {@code KEYS}, so Redis keeps serving other clients
	 * meanwhile. The cache's own prefix is escaped, so it matches literally even if it
	 * contains {@code * ? [ ] \}. Not atomic: keys written during the walk may or may not
	 * be removed.
	 * @param pattern a Redis glob relative to the prefix, such as {@code session:*}
	 * @return how many keys were actually removed
	 * @throws IllegalArgumentException if {@code pattern} is null or blank, or if this
	 * cache has no prefix and the pattern matches every key ({@code *}, {@code ?*}): that
	 * would empty the whole database, as {@link #flushPrefix()} refuses to
	 */
	long deleteByPattern(String pattern);

	/**
	 * Removes every key under this cache's prefix, as {@code deleteByPattern("*")}.
	 * @return how many keys were removed
	 * @throws IllegalStateException if this cache has no prefix: that would empty the
	 * whole database, which this method never does
	 */
	long flushPrefix();

	// ---------------------------------------------------------------- counters

	/**
	 * Adds one to an integer counter: {@link #incrementBy(String, long) incrementBy(key,
	 * 1)}.
	 * @param key the key
	 * @return the new value
	 */
	long increment(String key);

	/**
	 * Adds {@code delta} to an integer counter: one {@code INCRBY}.
	 * @param key the key
	 * @param delta the amount, may be negative
	 * @return the new value
	 * @throws IllegalArgumentException if {@code key} is null or blank
	 * @throws org.springframework.dao.DataAccessException if the stored value is not an
	 * integer or the result overflows
	 */
	long incrementBy(String key, long delta);

	/**
	 * Adds {@code delta} to an integer counter and gives it {@code ttl} if it has no
	 * expiry yet, in one atomic Lua script ({@code INCRBY}, then {@code PEXPIRE} when
	 * {@code PTTL} is -1). This is the building block of a fixed-window rate limiter:
	 * unlike {@code INCR} followed by a separate {@code EXPIRE}, a crash between the two
	 * can never leave a counter that lives forever, and later increments do not push the
	 * window's end further out.
	 * @param key the key
	 * @param delta the amount, may be negative
	 * @param ttl the window given to a counter without expiry; {@link Duration#ZERO} for
	 * the default TTL
	 * @return the new value
	 * @throws IllegalArgumentException if {@code key} is null or blank, or {@code ttl} is
	 * null or negative
	 * @throws org.springframework.dao.DataAccessException if the stored value is not an
	 * integer
	 */
	long incrementBy(String key, long delta, Duration ttl);

	/**
	 * Subtracts one: {@link #decrementBy(String, long) decrementBy(key, 1)}.
	 * @param key the key
	 * @return the new value
	 */
	long decrement(String key);

	/**
	 * Subtracts from an integer counter atomically: one {@code DECRBY}, as
	 * {@link #incrementBy(String, long)}.
	 * @param key the key
	 * @param delta the amount to subtract
	 * @return the new value
	 */
	long decrementBy(String key, long delta);

	/**
	 * Adds {@code delta} to a floating-point counter: one {@code INCRBYFLOAT}.
	 * @param key the key
	 * @param delta the amount, may be negative; must be finite
	 * @return the new value
	 * @throws IllegalArgumentException if {@code key} is null or blank, or {@code delta}
	 * is NaN or infinite
	 * @throws org.springframework.dao.DataAccessException if the stored value is not a
	 * number
	 */
	double incrementFloat(String key, double delta);

	// ---------------------------------------------------------------- locks

	/**
	 * Creates a lock object; it is not acquired yet. No call to Redis.
	 * @param name the lock name, relative to the prefix (it shares the key namespace, so
	 * name locks distinctly, such as {@code lock:job:42})
	 * @param ttl the lease: how long the lock stays held if its owner never releases it
	 * @return a new lock object with its own owner token
	 * @throws IllegalArgumentException if {@code name} is null or blank, or {@code ttl}
	 * is null, zero, negative or longer than Redis can hold ({@link #NO_EXPIRY} included:
	 * a lock must expire if its holder crashes)
	 */
	DistributedLock lock(String name, Duration ttl);

	/**
	 * Runs an action while holding a lock: acquires it (waiting up to the configured
	 * {@link CacheConfig#lockWait()}), keeps its lease alive while the action runs, and
	 * releases the lock, also when the action throws. Reentrant for the calling thread: a
	 * nested call on a name this thread already holds runs at once under the same lease,
	 * and the lock is released when the outermost call ends (another thread waits like
	 * any other owner). The action reaches the held lock, and its fencing token, through
	 * {@link HeldLocks}.
	 * <p>
	 * If the lock was lost while the action ran (the lease ran out during a Redis outage
	 * or a stall, or another owner took it), the caller gets {@link LockNotHeldException}
	 * saying when, never a silent success; an exception of the action itself wins and
	 * carries the loss as a suppressed exception.
	 * @param <T> the result type
	 * @param name the lock name, relative to the prefix
	 * @param ttl the lease
	 * @param action the action
	 * @return what the action returned
	 * @throws LockNotAcquiredException if the lock was not acquired within the wait; the
	 * action did not run
	 * @throws LockNotHeldException if the lock was lost while the action ran (the action
	 * has completed)
	 * @throws IllegalArgumentException if an argument is null, the name blank or the TTL
	 * not positive or not finite
	 * @throws CacheException wrapping a checked exception of the action (as its cause);
	 * unchecked exceptions and errors propagate unchanged
	 */
	<T> @Nullable T withLock(String name, Duration ttl, Callable<T> action);

	/**
	 * Runs an action while holding a lock, as
	 * {@link #withLock(String, Duration, Callable)}.
	 * @param name the lock name, relative to the prefix
	 * @param ttl the lease
	 * @param action the action
	 * @throws LockNotAcquiredException as {@link #withLock(String, Duration, Callable)}
	 * @throws LockNotHeldException as {@link #withLock(String, Duration, Callable)}
	 * @throws IllegalArgumentException as {@link #withLock(String, Duration, Callable)}
	 * @throws CacheException as {@link #withLock(String, Duration, Callable)}
	 */
	void withLock(String name, Duration ttl, ThrowingRunnable action);

	/**
	 * Runs an action while holding a lock, as
	 * {@link #withLock(String, Duration, Callable)}, waiting up to {@code waitTime}
	 * instead of the configured {@link CacheConfig#lockWait()}. This is the one "run
	 * under a lock" path: the other {@code withLock} methods and {@code @WithLock}
	 * methods all end here.
	 * @param <T> the result type
	 * @param name the lock name, relative to the prefix
	 * @param ttl the lease
	 * @param waitTime how long to wait for the lock; zero for one attempt
	 * @param action the action
	 * @return what the action returned
	 * @throws LockNotAcquiredException as {@link #withLock(String, Duration, Callable)}
	 * @throws LockNotHeldException as {@link #withLock(String, Duration, Callable)}
	 * @throws IllegalArgumentException as {@link #withLock(String, Duration, Callable)},
	 * or if the wait is negative
	 * @throws CacheException as {@link #withLock(String, Duration, Callable)}
	 * @since 0.2.0
	 */
	<T> @Nullable T withLock(String name, Duration ttl, Duration waitTime, Callable<T> action);

	// ---------------------------------------------------------------- TTL management

	/**
	 * Reads a key's remaining time to live: one {@code PTTL}.
	 * @param key the key
	 * @return empty if there is no such key, {@link #NO_EXPIRY} if it has no expiry, else
	 * the remaining time in milliseconds
	 * @throws IllegalArgumentException if {@code key} is null or blank
	 */
	Optional<Duration> getTtl(String key);

	/**
	 * Sets a key's time to live: one {@code PEXPIRE}.
	 * @param key the key
	 * @param ttl the new time to live, positive
	 * @return {@code true} if the key exists and now expires after {@code ttl}
	 * @throws IllegalArgumentException if {@code key} is null or blank, or {@code ttl} is
	 * null, zero or negative
	 */
	boolean expire(String key, Duration ttl);

	/**
	 * Makes a key expire at an instant: one {@code PEXPIREAT}. An instant in the past
	 * deletes the key, as Redis does.
	 * @param key the key
	 * @param when the instant, millisecond precision
	 * @return {@code true} if the key existed
	 * @throws IllegalArgumentException if {@code key} is null or blank, or {@code when}
	 * is null or later than Redis can keep an expiry (such as {@link Instant#MAX});
	 * nothing is sent
	 */
	boolean expireAt(String key, Instant when);

	/**
	 * Removes a key's expiry: one {@code PERSIST}.
	 * @param key the key
	 * @return {@code true} if the key had an expiry that was removed; {@code false} if
	 * there is no such key or it had none
	 * @throws IllegalArgumentException if {@code key} is null or blank
	 */
	boolean persist(String key);

	/**
	 * Sets a key's time to live back to the default TTL: one {@code PEXPIRE}. A key
	 * without expiry gets the default TTL too.
	 * @param key the key
	 * @return {@code true} if the key exists
	 * @throws IllegalArgumentException if {@code key} is null or blank
	 */
	boolean touch(String key);

	// ---------------------------------------------------------------- key management

	/**
	 * Lists the keys under this cache's prefix that match a glob pattern, without the
	 * prefix: {@code SCAN MATCH ... COUNT 1000} over every master, never {@code KEYS}.
	 * The whole result is held in memory: for large key spaces prefer
	 * {@link #scan(String, int)}.
	 * @param pattern a Redis glob relative to the prefix, such as {@code user:*}
	 * @return the matching keys, without the prefix, each once
	 * @throws IllegalArgumentException if {@code pattern} is null or blank
	 */
	List<String> keys(String pattern);

	/**
	 * Streams the keys under this cache's prefix that match a glob pattern, without the
	 * prefix, lazily: each {@code SCAN} page (every master on a cluster) is fetched only
	 * when the stream needs it. The stream holds a connection: close it, for example with
	 * try-with-resources. As with {@code SCAN}, a key may be returned more than once if
	 * the key space changes meanwhile.
	 * @param pattern a Redis glob relative to the prefix
	 * @param count the {@code COUNT} hint per {@code SCAN} page, positive
	 * @return a lazy stream of keys; close it when done
	 * @throws IllegalArgumentException if {@code pattern} is null or blank, or
	 * {@code count} is not positive
	 */
	Stream<String> scan(String pattern, int count);

	/**
	 * Renames a key, keeping its value and TTL and replacing any value at {@code newKey}:
	 * one {@code RENAME}. On a Redis Cluster both keys must hash to the same slot: give
	 * them the same {@code {hash tag}}.
	 * @param oldKey the key to rename
	 * @param newKey its new name
	 * @throws IllegalArgumentException if a key is null or blank
	 * @throws org.springframework.dao.DataAccessException if {@code oldKey} does not
	 * exist; on a Redis Cluster also, before anything is sent, an
	 * {@link org.springframework.dao.InvalidDataAccessApiUsageException} if the keys hash
	 * to different slots (Spring Data's fallback of DUMP, RESTORE and DEL would be
	 * neither atomic nor keep the TTL)
	 */
	void rename(String oldKey, String newKey);

	// ---------------------------------------------------------------- namespaces

	/**
	 * Returns a cache for a sub-namespace: the same connection, serializer and settings,
	 * with {@code prefix} appended to this cache's prefix. {@code "myapp"} and
	 * {@code "users"} give keys {@code myapp:users:<key>}. No call to Redis.
	 * @param prefix the namespace to add; may itself contain {@code :}
	 * @return a cache whose keys live under the combined prefix
	 * @throws IllegalArgumentException if {@code prefix} is null or blank
	 */
	Cache withPrefix(String prefix);

	/**
	 * This cache's prefix, without the trailing {@code :}.
	 * @return the prefix, or {@code ""} when there is none
	 */
	String prefix();

	/**
	 * The non-blocking face of this cache: the same keys, prefix, serializer, TTL rules,
	 * near cache and meters, each call answered by a
	 * {@link java.util.concurrent.CompletableFuture} that never blocks its caller. No
	 * call to Redis.
	 * @return the asynchronous view
	 * @since 0.3.0
	 */
	AsyncCache async();

}
