package io.github.saasframework.cache.lock;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A lock shared by every process that uses the same Redis, obtained from
 * {@link io.github.saasframework.cache.Cache#lock(String, Duration)}.
 * <p>
 * On the wire a lock is a plain string key {@code <prefix>:<name>} whose value is this
 * object's owner token (random and unguessable), set with
 * {@code SET key token NX PX ttl}. Release and extend are Lua scripts that compare the
 * token and act in one atomic step, so an object can never release or extend a lock that
 * another owner holds, not even after its own lease ran out and someone else took the
 * lock. Another process (in any language) that follows the same convention sees and
 * respects the same lock. Next to the lock key lives the lock's fencing counter (see
 * {@link #fencingToken()}).
 * <p>
 * The lease ({@code ttl}) protects against a crashed owner: when it runs out the key
 * expires and the lock is free. Work that may outlast it keeps the lock with
 * {@link #extend(Duration)} or {@link #refreshLoop(Duration)}.
 * <p>
 * An instance is safe to use from several threads, but it represents one owner: all
 * threads that share it share the ownership. A released lock can be acquired again by the
 * same object. Use it with try-with-resources: {@link #close()} releases the lock if it
 * is still held.
 *
 * <pre>{@code
 * try (DistributedLock lock = cache.lock("report:2024", Duration.ofSeconds(30))) {
 *     lock.acquire(Duration.ofSeconds(5));
 *     buildReport();
 * }
 * }</pre>
 *
 * @since 0.1.0
 */
public interface DistributedLock extends AutoCloseable {

	/**
	 * The lock's name, without the cache's prefix.
	 * @return the name given to {@code Cache.lock}
	 */
	String name();

	/**
	 * Acquires the lock, waiting up to {@code waitTimeout} while another owner holds it.
	 * Each attempt is one Lua script ({@code SET NX PX} plus the fencing token). A
	 * waiting thread is woken as soon as the holder releases (the release publishes a
	 * notification); it also tries again every retry interval (with random jitter), so a
	 * lost notification or a lease that ran out only costs time. Threads of one process
	 * waiting for the same lock take it in arrival order. {@link Duration#ZERO} makes a
	 * single attempt.
	 * <p>
	 * An attempt whose outcome is unknown (a timeout) removes this owner's token in case
	 * it landed after all, so no lock is ever held by an owner that does not know it.
	 * @param waitTimeout how long to wait at most, zero or positive
	 * @throws LockNotAcquiredException if the lock was not acquired within the wait, or
	 * the thread was interrupted while waiting (its interrupt flag is then set again)
	 * @throws IllegalArgumentException if {@code waitTimeout} is null or negative
	 * @throws IllegalStateException if this object already holds the lock
	 * @throws org.springframework.dao.DataAccessException if Redis fails
	 */
	void acquire(Duration waitTimeout);

	/**
	 * Makes one attempt to acquire the lock: one Lua script that sets
	 * {@code key token NX PX ttl} and issues the fencing token.
	 * @return {@code true} if the lock is now held by this object
	 * @throws IllegalStateException if this object already holds the lock
	 * @throws org.springframework.dao.DataAccessException if Redis fails
	 */
	boolean tryAcquire();

	/**
	 * Releases the lock: one Lua script that deletes the key only if it still holds this
	 * object's token. Ends a running {@link #refreshLoop(Duration)}, whose future then
	 * completes normally.
	 * @throws LockNotHeldException if this object does not hold the lock (never acquired,
	 * already released, expired, or taken over by another owner); the lock key is then
	 * left untouched
	 * @throws org.springframework.dao.DataAccessException if Redis fails
	 */
	void release();

	/**
	 * Sets the lock's remaining lease to {@code ttl}, at millisecond precision: one Lua
	 * script that runs {@code PEXPIRE} only if the key still holds this object's token.
	 * The new lease also becomes the one used by {@link #refreshLoop(Duration)}.
	 * @param ttl the new lease, positive and finite
	 * @throws LockNotHeldException if this object does not hold the lock
	 * @throws IllegalArgumentException if {@code ttl} is null, zero, negative or longer
	 * than Redis can hold ({@code Cache.NO_EXPIRY} included), before anything is sent
	 * @throws org.springframework.dao.DataAccessException if Redis fails
	 */
	void extend(Duration ttl);

	/**
	 * Whether this object holds the lock right now: one {@code GET} compared with the
	 * owner token, so a lease that ran out or a lock that Redis lost reads as not held.
	 * @return {@code true} if the key holds this object's token
	 * @throws org.springframework.dao.DataAccessException if Redis fails
	 */
	boolean isHeld();

	/**
	 * The fencing token of the current hold: a number strictly greater than every token
	 * issued before for this lock name, by any process, issued atomically with the
	 * acquisition. Pass it with every write the lock protects and let the resource reject
	 * a write whose token is lower than the highest it has seen: a holder that was paused
	 * (GC, a stall) past its lease then cannot overwrite the work of the next holder.
	 * @return the token, positive
	 * @throws LockNotHeldException if this object does not hold the lock
	 * @since 0.2.0
	 */
	long fencingToken();

	/**
	 * Keeps the lock alive in the background: every {@code interval} the lease is
	 * extended by the lock's ttl (as with {@link #extend(Duration)}), by the cache's
	 * lease keeper (one scheduler thread for all locks, asynchronous extends; it stops
	 * when the cache is closed). Choose an interval well below the ttl (a third of it is
	 * a good default). An extend that fails (timeout, connection lost) is tried again
	 * soon, as long as the lease still has time left. The loop holds this object only
	 * weakly: once the object is no longer reachable, its lease is no longer kept and the
	 * key expires.
	 * <p>
	 * The returned future completes normally when {@link #release()} or {@link #close()}
	 * ends the loop, and exceptionally with {@link LockNotHeldException} as soon as an
	 * extension finds the lock lost (expired or taken over), or when the lease ran out
	 * without a successful extension (the message says when; the cause is the last Redis
	 * failure). Cancelling the future stops the loop without releasing the lock.
	 * @param interval time between extensions, positive
	 * @return a future that tracks the loop
	 * @throws IllegalArgumentException if {@code interval} is null, zero or negative
	 * @throws LockNotHeldException if this object does not hold the lock when called
	 */
	CompletableFuture<Void> refreshLoop(Duration interval);

	/**
	 * Releases the lock if this object holds it, and ends a running refresh loop. Never
	 * throws {@link LockNotHeldException}: a lock that has expired or was taken over is
	 * left alone. Redis failures are not thrown either; the lease then frees the lock
	 * when it runs out.
	 */
	@Override
	void close();

}
