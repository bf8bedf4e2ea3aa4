package io.github.saasframework.cache.lock;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

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
 * <b>The lease window.</b> No lease makes a lock safe on its own: a holder paused past
 * its lease (a GC, a stalled VM), or a Redis that lost the key (a restart without
 * persistence, a failover before the key reached the replica), lets a second owner in
 * before the first one can know. Code under the lock can ask, without a round trip, how
 * much of its lease is still confirmed ({@link #leaseRemaining()}) and be told as soon as
 * the loss is known ({@link #whenLost()}); what closes the window is the
 * {@link #fencingToken() fencing token}, checked by the resource the lock protects.
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
	 * it landed after all, so no lock is ever held by an owner that does not know it. An
	 * attempt that fails with an outage (a command timeout, a lost connection, a server
	 * that is loading or failing over) is tried again while the wait lasts, so a stall
	 * shorter than the wait costs only time; an attempt may end up to a command timeout
	 * after the wait.
	 * @param waitTimeout how long to wait at most, zero or positive
	 * @throws LockNotAcquiredException if the lock was not acquired within the wait, or
	 * the thread was interrupted while waiting (its interrupt flag is then set again)
	 * @throws IllegalArgumentException if {@code waitTimeout} is null or negative
	 * @throws IllegalStateException if this object already holds the lock
	 * @throws org.springframework.dao.DataAccessException if Redis fails with anything
	 * but an outage, or if the last attempt of the wait failed with an outage (with a
	 * zero wait: the one attempt)
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
	 * How long this owner still surely holds the lock, as far as it knows <b>without a
	 * round trip</b>: the lease counted from the <em>start</em> of the acquire or extend
	 * that last succeeded (its own, or one of its refresh loop's), minus the time since.
	 * As Redis counts the same lease from a later moment (when the command arrived), the
	 * key lives at least this long, unless Redis loses it (a restart without persistence,
	 * a failover, a deletion by someone else) or the server's clock jumps. Cheap enough
	 * to ask before every side effect:
	 *
	 * <pre>{@code
	 * cache.withLock("report", Duration.ofSeconds(30), () -> {
	 *     DistributedLock lock = HeldLocks.current("report").orElseThrow();
	 *     for (Chunk chunk : chunks) {
	 *         if (lock.leaseRemaining().compareTo(Duration.ofSeconds(5)) < 0) {
	 *             throw new IllegalStateException("lease no longer confirmed: stopping");
	 *         }
	 *         write(chunk, lock.fencingToken());
	 *     }
	 * });
	 * }</pre>
	 * @return the confirmed remaining lease, {@link Duration#ZERO} when the lease ran
	 * out, the lock is known lost, or this object does not hold it
	 * @since 0.2.0
	 */
	Duration leaseRemaining();

	/**
	 * A stage that completes as soon as this owner learns that its current hold is lost,
	 * with the {@link LockNotHeldException} that says why: when the refresh loop keeping
	 * it ({@code withLock}'s, or one started with {@link #refreshLoop(Duration)}) finds
	 * the key without this owner's token or sees the lease run out without a successful
	 * extend; when {@link #extend(Duration)}, {@link #isHeld()} or {@link #release()}
	 * find the key without the token; and, for a hold that no refresh loop keeps, when
	 * its lease runs out. No round trip of its own. It does not complete when the hold
	 * ends normally ({@link #release()}, {@link #close()}); each acquisition has a stage
	 * of its own. Dependent actions run on the thread that learns of the loss (the lease
	 * keeper's scheduler, or the caller of {@code extend}): keep them short and
	 * non-blocking, for example cancel a future or set a flag.
	 *
	 * <pre>{@code
	 * cache.withLock("import", Duration.ofSeconds(10), () -> {
	 *     CompletableFuture<Void> work = CompletableFuture.runAsync(this::importAll, executor);
	 *     HeldLocks.current("import").orElseThrow().whenLost().thenAccept((why) -> work.cancel(true));
	 *     return work.join();
	 * });
	 * }</pre> Being told is not being safe: between the moment the lease is lost and the
	 * moment this owner learns of it another owner may already hold the lock. Fencing
	 * tokens close that window.
	 * @return a stage completed with the reason of the loss; already completed when this
	 * object does not hold the lock
	 * @since 0.2.0
	 */
	CompletionStage<LockNotHeldException> whenLost();

	/**
	 * Keeps the lock alive in the background: every {@code interval} the lease is
	 * extended by the lock's ttl (as with {@link #extend(Duration)}), by the cache's
	 * lease keeper (one scheduler thread for all locks, asynchronous extends; it stops
	 * when the cache is closed). Choose an interval well below the ttl (a third of it is
	 * a good default). Each extend is due an interval after the start of the acquire or
	 * extend that last confirmed the lease, so the first one is sent at once when the
	 * acquire took longer than the interval. An extend that fails (timeout, connection
	 * lost) is tried again soon, as long as the lease still has time left. The loop holds
	 * this object only weakly: once the object is no longer reachable, its lease is no
	 * longer kept and the key expires.
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
