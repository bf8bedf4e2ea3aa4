package io.github.saasframework.cache.internal.lock;

import java.lang.ref.WeakReference;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.saasframework.cache.internal.Arguments;
import io.github.saasframework.cache.internal.redis.LuaScripts;
import io.github.saasframework.cache.internal.redis.Outages;
import io.github.saasframework.cache.internal.redis.RedisDoor;
import io.github.saasframework.cache.lock.LockNotHeldException;
import org.jspecify.annotations.Nullable;

/**
 * Keeps the leases of the locks of one root cache alive: the {@code refreshLoop} of every
 * {@link RedisDistributedLock}. One daemon thread only schedules; each extend is an
 * asynchronous Lua call through the door, so thousands of leases need no thread each and
 * a slow Redis never delays the other leases.
 * <p>
 * Extends are due by deadline, not by a fixed pause: each one an interval after the start
 * of the acquire or extend that last confirmed the lease (at once when that moment has
 * passed, as after an acquire that took most of the lease), so a slow acquire never loses
 * its lock before the first extend is even sent. An extend that fails (timeout,
 * connection lost) is retried soon, for as long as the lease still has time left: the
 * lock is reported lost only when an extend finds it gone, when the lease ran out without
 * a successful extend (Redisson's rule), or when Redis refuses the extend (a
 * configuration error such as {@code NOPERM}, which no retry mends). A lease holds its
 * lock only weakly: a lock object that is no longer reachable stops being refreshed, and
 * its key expires with its lease. Closed with the cache: every running lease then ends
 * with {@link LockNotHeldException}.
 */
final class LeaseKeeper implements AutoCloseable {

	/** Pause before an extend that failed is tried again (never above the interval). */
	private static final long RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

	private final RedisDoor door;

	private final ScheduledThreadPoolExecutor scheduler;

	private final Set<Lease> leases = ConcurrentHashMap.newKeySet();

	LeaseKeeper(RedisDoor door) {
		this.door = door;
		AtomicInteger count = new AtomicInteger();
		this.scheduler = new ScheduledThreadPoolExecutor(1, (runnable) -> {
			Thread thread = new Thread(runnable, "cache-lock-lease-" + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		});
		this.scheduler.setRemoveOnCancelPolicy(true);
	}

	/**
	 * Starts keeping a lease that is surely held until {@code confirmedUntilNanos}. The
	 * first extend is due an interval after the lease was confirmed, that is
	 * {@code confirmedUntilNanos - ttl + interval}: at once if that has passed.
	 * @param owner the lock object: the lease stops when it is no longer reachable
	 * @param keys the keys of the extend script (the lock key, its fencing counter)
	 */
	Lease keep(Object owner, String name, String redisKey, byte[][] keys, byte[] token, long ttlMillis,
			long confirmedUntilNanos, long intervalNanos) {
		Lease lease = new Lease(this, owner, name, redisKey, keys, token, ttlMillis, confirmedUntilNanos,
				intervalNanos);
		this.leases.add(lease);
		lease.future.whenComplete((result, failure) -> {
			this.leases.remove(lease);
			lease.cancelNext();
		});
		lease.schedule(lease.untilDue());
		return lease;
	}

	/**
	 * Runs a short task on the scheduler after a delay (a lock's own check that a lease
	 * no refresh loop keeps has run out); nothing when the keeper is closed.
	 * @param delayNanos the delay
	 * @param task the task, which must not block
	 */
	void at(long delayNanos, Runnable task) {
		try {
			this.scheduler.schedule(task, Math.max(1, delayNanos), TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException ex) {
			// closed with the cache
		}
	}

	/** How many leases are being kept (for tests). */
	int size() {
		return this.leases.size();
	}

	@Override
	public void close() {
		this.scheduler.shutdownNow();
		for (Lease lease : this.leases) {
			lease.future
				.completeExceptionally(new LockNotHeldException("The lease of lock " + Arguments.quote(lease.name)
						+ " is no longer kept: its cache was closed; the lock frees itself when its lease runs out"));
		}
	}

	@Override
	public String toString() {
		return "LeaseKeeper[" + this.leases.size() + " leases]";
	}

	/**
	 * One lock's refresh loop. It references its lock only weakly (to stop when nobody
	 * can use the lock any more) and never calls it: the lock asks the lease whether it
	 * was lost and until when it was confirmed.
	 */
	static final class Lease {

		final CompletableFuture<Void> future = new CompletableFuture<>();

		private final LeaseKeeper keeper;

		private final WeakReference<Object> owner;

		private final String name;

		private final String redisKey;

		private final byte[][] keys;

		private final byte[] token;

		private final long intervalNanos;

		private volatile long ttlMillis;

		/** System.nanoTime() until which the lease is surely held. */
		private volatile long confirmedUntilNanos;

		private volatile boolean inFlight;

		private volatile boolean lost;

		private volatile @Nullable Throwable lastFailure;

		private volatile @Nullable ScheduledFuture<?> next;

		Lease(LeaseKeeper keeper, Object owner, String name, String redisKey, byte[][] keys, byte[] token,
				long ttlMillis, long confirmedUntilNanos, long intervalNanos) {
			this.keeper = keeper;
			this.owner = new WeakReference<>(owner);
			this.name = name;
			this.redisKey = redisKey;
			this.keys = keys;
			this.token = token;
			this.ttlMillis = ttlMillis;
			this.confirmedUntilNanos = confirmedUntilNanos;
			this.intervalNanos = intervalNanos;
		}

		/** Whether the lease was lost (an extend found another owner, or it ran out). */
		boolean isLost() {
			return this.lost;
		}

		/** {@code System.nanoTime()} until which the lease is surely held. */
		long confirmedUntilNanos() {
			return this.confirmedUntilNanos;
		}

		/** A successful {@code extend(ttl)} by the lock's owner. */
		void extended(long newTtlMillis, long startedNanos) {
			this.ttlMillis = newTtlMillis;
			this.confirmedUntilNanos = startedNanos + TimeUnit.MILLISECONDS.toNanos(newTtlMillis);
		}

		/**
		 * Nanoseconds until the next extend is due: an interval after the start of the
		 * acquire or extend that last confirmed the lease, so never later than the
		 * lease's own deadline allows; zero when that moment has passed.
		 */
		long untilDue() {
			long confirmedAt = this.confirmedUntilNanos - TimeUnit.MILLISECONDS.toNanos(this.ttlMillis);
			return Math.max(0, confirmedAt + this.intervalNanos - System.nanoTime());
		}

		/** Ends the loop normally (release, close). */
		void stop() {
			this.future.complete(null);
		}

		private void tick() {
			if (this.future.isDone()) {
				return;
			}
			if (this.owner.get() == null) {
				this.future.completeExceptionally(new LockNotHeldException("The lease of lock "
						+ Arguments.quote(this.name) + " is no longer kept: the lock object is no longer reachable"));
				return;
			}
			long now = System.nanoTime();
			if (now - this.confirmedUntilNanos >= 0) {
				Throwable failure = this.lastFailure;
				lost("its lease ran out at about " + confirmedUntil() + " without a successful extend"
						+ ((failure != null) ? " (last extend failure: " + failure + ")" : ""), failure);
				return;
			}
			if (this.inFlight) {
				// an earlier extend has no reply yet (a stalled server): check again soon
				schedule(Math.min(this.intervalNanos, RETRY_NANOS));
				return;
			}
			this.inFlight = true;
			long ttl = this.ttlMillis;
			CompletableFuture<Long> extend;
			try {
				extend = this.keeper.door.eval(LuaScripts.LOCK_EXTEND, this.keys, this.token, RedisDoor.ascii(ttl));
			}
			catch (RuntimeException ex) {
				extend = CompletableFuture.failedFuture(ex);
			}
			extend.whenComplete((result, failure) -> {
				this.inFlight = false;
				if (failure == null && result == 1) {
					this.lastFailure = null;
					this.confirmedUntilNanos = Math.max(this.confirmedUntilNanos,
							now + TimeUnit.MILLISECONDS.toNanos(ttl));
					schedule(untilDue());
				}
				else if (failure == null) {
					lost("an extend found the key no longer holding this owner's token (it expired or was taken over);"
							+ " the lease was last confirmed until about " + confirmedUntil(), null);
				}
				else if (Outages.isConfigurationError(failure)) {
					// refused (NOPERM, WRONGPASS): no retry can keep this lease
					lost("an extend was refused: " + Outages.explain(failure)
							+ "; the lease was last confirmed until about " + confirmedUntil(), failure);
				}
				else {
					// transient, as far as we know: try again while the lease has time
					// left
					this.lastFailure = failure;
					schedule(Math.min(this.intervalNanos, RETRY_NANOS));
				}
			});
		}

		private void lost(String why, @Nullable Throwable cause) {
			this.lost = true;
			String message = "Lock " + Arguments.quote(this.name) + " (key " + Arguments.quote(this.redisKey)
					+ ") was lost: " + why;
			this.future.completeExceptionally(
					(cause != null) ? new LockNotHeldException(message, cause) : new LockNotHeldException(message));
		}

		private Instant confirmedUntil() {
			long remaining = this.confirmedUntilNanos - System.nanoTime();
			return Instant.now().plusNanos(remaining);
		}

		private void schedule(long delayNanos) {
			if (this.future.isDone()) {
				return;
			}
			try {
				this.next = this.keeper.scheduler.schedule(this::tick, Math.max(1, delayNanos), TimeUnit.NANOSECONDS);
			}
			catch (RejectedExecutionException ex) {
				this.future.completeExceptionally(new LockNotHeldException(
						"The lease of lock " + Arguments.quote(this.name) + " is no longer kept: its cache was closed",
						ex));
			}
			if (this.future.isDone()) {
				cancelNext();
			}
		}

		private void cancelNext() {
			ScheduledFuture<?> scheduled = this.next;
			if (scheduled != null) {
				scheduled.cancel(false);
			}
		}

	}

}
