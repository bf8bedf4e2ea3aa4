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
 * respects the same lock.
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
	 * Each attempt is one {@code SET NX PX}; between attempts the thread sleeps the
	 * configured retry interval with random jitter, so competing waiters do not retry in
	 * lockstep. {@link Duration#ZERO} makes a single attempt.
	 * @param waitTimeout how long to wait at most, zero or positive
	 * @throws LockNotAcquiredException if the lock was not acquired within the wait, or
	 * the thread was interrupted while waiting (its interrupt flag is then set again)
	 * @throws IllegalArgumentException if {@code waitTimeout} is null or negative
	 * @throws IllegalStateException if this object already holds the lock
	 * @throws org.springframework.dao.DataAccessException if Redis fails
	 */
	void acquire(Duration waitTimeout);

	/**
	 * Makes one attempt to acquire the lock: one {@code SET key token NX PX ttl}.
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
	 * @param ttl the new lease, positive
	 * @throws LockNotHeldException if this object does not hold the lock
	 * @throws IllegalArgumentException if {@code ttl} is null, zero or negative
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
	 * Keeps the lock alive in the background: every {@code interval}, on a shared daemon
	 * scheduler, the lease is extended by the lock's ttl (as with
	 * {@link #extend(Duration)}). Choose an interval well below the ttl (a third of it is
	 * a good default).
	 * <p>
	 * The returned future completes normally when {@link #release()} or {@link #close()}
	 * ends the loop, and exceptionally with {@link LockNotHeldException} as soon as an
	 * extension finds the lock lost (expired or taken over), or with the Redis failure
	 * that stopped it. Cancelling the future stops the loop without releasing the lock.
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
