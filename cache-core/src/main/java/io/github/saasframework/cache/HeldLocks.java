package io.github.saasframework.cache;

import java.util.Optional;

import io.github.saasframework.cache.internal.Arguments;
import io.github.saasframework.cache.internal.lock.Locks;
import io.github.saasframework.cache.lock.DistributedLock;
import io.github.saasframework.cache.lock.LockNotHeldException;

/**
 * The locks the current thread holds through {@link Cache#withLock} or {@code @WithLock},
 * so that code running under a lock can reach it, typically for its fencing token:
 *
 * <pre>{@code
 * &#64;WithLock(key = "'lock:invoice:' + #id")
 * public void bill(long id) {
 *     long token = HeldLocks.fencingToken("lock:invoice:" + id);
 *     invoices.updateIfNewer(id, token, ...);   // the store rejects tokens older than the last seen
 * }
 * }</pre>
 *
 * The held lock also tells, without a round trip, how much of its lease is still
 * confirmed ({@link DistributedLock#leaseRemaining()}) and when its loss becomes known
 * ({@link DistributedLock#whenLost()}).
 * <p>
 * Also what makes {@code withLock} reentrant: a nested call on a name that the thread
 * already holds runs at once, under the same lease, and the lock is released when the
 * outermost call ends. The holds are per thread: another thread of the same process waits
 * like any other owner.
 *
 * @since 0.2.0
 */
public final class HeldLocks {

	private HeldLocks() {
	}

	/**
	 * The lock of that name that the current thread holds through {@code withLock} or
	 * {@code @WithLock} (the innermost one if several caches hold a lock of that name).
	 * @param name the lock name as given to {@code withLock}, without the cache's prefix
	 * @return the held lock, or empty if this thread holds none of that name
	 */
	public static Optional<DistributedLock> current(String name) {
		Arguments.requireText(name, "name");
		return Locks.heldByCurrentThread(name);
	}

	/**
	 * The fencing token of the lock of that name that the current thread holds through
	 * {@code withLock} or {@code @WithLock}: see {@link DistributedLock#fencingToken()}.
	 * @param name the lock name, without the cache's prefix
	 * @return the token, strictly greater than every token issued before for the lock
	 * @throws LockNotHeldException if this thread holds no lock of that name
	 */
	public static long fencingToken(String name) {
		return current(name)
			.orElseThrow(() -> new LockNotHeldException(
					"The current thread holds no lock " + Arguments.quote(name) + " through withLock or @WithLock"))
			.fencingToken();
	}

}
