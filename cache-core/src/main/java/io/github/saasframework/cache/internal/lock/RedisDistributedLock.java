package io.github.saasframework.cache.internal.lock;

import java.lang.ref.WeakReference;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.github.saasframework.cache.CacheMetricsRecorder;
import io.github.saasframework.cache.CacheObserver;
import io.github.saasframework.cache.internal.Arguments;
import io.github.saasframework.cache.internal.KeyNamespace;
import io.github.saasframework.cache.internal.TtlPolicy;
import io.github.saasframework.cache.internal.redis.LuaScripts;
import io.github.saasframework.cache.internal.redis.Outages;
import io.github.saasframework.cache.internal.redis.RedisDoor;
import io.github.saasframework.cache.lock.DistributedLock;
import io.github.saasframework.cache.lock.LockNotAcquiredException;
import io.github.saasframework.cache.lock.LockNotHeldException;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.ClusterSlotHashUtil;

/**
 * The Redis lock. On the wire: the lock key {@code <prefix>:<name>}, a plain string
 * holding the owner token with a {@code PX} expiry (what the Go package reads and
 * writes), and next to it the lock's fencing counter (see {@link #fenceKey(String)}), in
 * the same hash slot, with the lock's lease (so it outlives the lock by at most a lease).
 * Acquire is one Lua script (lock + token increment), release and extend are Lua
 * compare-and-act scripts; the lease is kept by the root cache's {@link LeaseKeeper} and
 * waiters are woken by its {@link LockWaiters}.
 * <p>
 * What this owner knows of its hold is one immutable {@link Hold} (token, when it was
 * last confirmed, for how long), replaced as a whole; a running lease is asked, never
 * tells.
 */
final class RedisDistributedLock implements DistributedLock {

	/** The longest pause between two attempts of a waiter that listens for releases. */
	private static final long LISTENING_POLL_CAP_NANOS = TimeUnit.SECONDS.toNanos(1);

	/** The suffix of the fencing counter key. */
	static final String FENCE_SUFFIX = ":fencing-token";

	private final Locks locks;

	private final RedisDoor door;

	private final CacheMetricsRecorder recorder;

	private final CacheObserver observer;

	private final String prefix;

	private final String name;

	private final String redisKey;

	private final byte[] rawKey;

	/**
	 * The lock key and its fencing counter: the keys of the acquire and extend scripts.
	 */
	private final byte[][] lockKeys;

	private final String channel;

	private final byte[] rawChannel;

	private final byte[] token;

	private final Duration retryInterval;

	/** The lease used by the next acquire and by extends. */
	private volatile Duration ttl;

	/** What this owner knows of its hold, or {@code null} when it holds nothing. */
	private volatile @Nullable Hold hold;

	/** The other owner's remaining lease seen by the last failed attempt, or -1. */
	private volatile long otherLeaseNanos = -1;

	private LeaseKeeper.@Nullable Lease lease;

	RedisDistributedLock(Locks locks, KeyNamespace namespace, String name, Duration ttl) {
		this.locks = locks;
		this.door = locks.door();
		this.recorder = locks.recorder();
		this.observer = locks.observer();
		this.prefix = namespace.metricsPrefix();
		this.name = name;
		this.redisKey = namespace.redisKey(name);
		this.rawKey = this.redisKey.getBytes(StandardCharsets.UTF_8);
		this.lockKeys = new byte[][] { this.rawKey, fenceKey(this.redisKey).getBytes(StandardCharsets.UTF_8) };
		this.channel = LockWaiters.channel(this.redisKey);
		this.rawChannel = this.channel.getBytes(StandardCharsets.UTF_8);
		this.token = RedisDoor.newToken();
		this.ttl = ttl;
		this.retryInterval = locks.retryInterval();
	}

	/**
	 * The key of a lock's fencing counter: in the lock key's hash slot (the acquire
	 * script touches both, and a cluster runs a script only on keys of one slot), under
	 * the same prefix (so key-pattern ACLs and prefix scans cover it), and never a name
	 * another process reads as a lock. The lock key itself cannot get a hash tag without
	 * changing the wire format, so the counter borrows the lock key's slot: the first of
	 * {@code <key>:fencing-token} (in the slot when the key has a hash tag of its own),
	 * {@code <key>:fencing-token{<key>}} (the whole key as hash tag: the slot of a key
	 * without one) and {@code <key>:fencing-token{<n>}} with the smallest number
	 * {@code n >= 0} of the key's slot (only for names with unbalanced braces) that lies
	 * in the lock key's slot.
	 */
	static String fenceKey(String redisKey) {
		int slot = ClusterSlotHashUtil.calculateSlot(redisKey);
		String plain = redisKey + FENCE_SUFFIX;
		if (ClusterSlotHashUtil.calculateSlot(plain) == slot) {
			return plain;
		}
		String tagged = plain + "{" + redisKey + "}";
		if (ClusterSlotHashUtil.calculateSlot(tagged) == slot) {
			return tagged;
		}
		for (int n = 0; n < 10_000_000; n++) {
			String numbered = plain + "{" + n + "}";
			if (ClusterSlotHashUtil.calculateSlot(numbered) == slot) {
				return numbered;
			}
		}
		throw new IllegalArgumentException(
				"No fencing counter key in the hash slot of lock key " + Arguments.quote(redisKey));
	}

	@Override
	public String name() {
		return this.name;
	}

	@Override
	public void acquire(Duration waitTimeout) {
		Arguments.requireTtl(waitTimeout, "waitTimeout");
		CacheObserver.Observed observed = this.observer.start(CacheObserver.Operation.LOCK, this.prefix);
		try {
			waitFor(waitTimeout);
			observed.result(CacheObserver.Result.ACQUIRED);
		}
		catch (LockNotAcquiredException ex) {
			observed.result(CacheObserver.Result.NOT_ACQUIRED);
			throw ex;
		}
		catch (RuntimeException | Error ex) {
			observed.error(ex);
			throw ex;
		}
		finally {
			observed.stop();
		}
	}

	/**
	 * Attempts until the lock is held or the wait ends. An attempt that fails with an
	 * outage (a timeout, a lost connection, a server that is loading or failing over)
	 * counts as "not yet": the next one follows while the wait lasts, and if the last
	 * attempt failed so, its failure is thrown when the wait ends. Any other Redis
	 * failure is thrown at once.
	 */
	private void waitFor(Duration waitTimeout) {
		long start = System.nanoTime();
		long deadline = start + Arguments.saturatedNanos(waitTimeout);
		checkNotHeld();
		LockWaiters waiters = this.locks.waiters();
		DataAccessException outage = null;
		// no barging: with threads of this process already waiting, queue behind them
		if (waitTimeout.isZero() || !waiters.hasWaiters(this.channel)) {
			try {
				if (attemptInterruptibly(start)) {
					this.recorder.recordLockAcquisition(this.prefix, true, System.nanoTime() - start);
					return;
				}
			}
			catch (DataAccessException ex) {
				if (waitTimeout.isZero() || !Outages.isOutage(ex)) {
					throw ex;
				}
				outage = ex;
			}
		}
		try (LockWaiters.Ticket ticket = waitTimeout.isZero() ? null : waiters.enqueue(this.channel)) {
			while (true) {
				long remaining = deadline - System.nanoTime();
				if (remaining <= 0 || ticket == null) {
					this.recorder.recordLockAcquisition(this.prefix, false, System.nanoTime() - start);
					if (outage != null) {
						throw outage;
					}
					throw new LockNotAcquiredException("Lock " + Arguments.quote(this.name) + " (key "
							+ Arguments.quote(this.redisKey) + ") not acquired within " + waitTimeout);
				}
				long seen = ticket.notifications();
				boolean head = ticket.isHead();
				if (head) {
					ticket.listen();
					try {
						if (attemptInterruptibly(start)) {
							this.recorder.recordLockAcquisition(this.prefix, true, System.nanoTime() - start);
							return;
						}
						outage = null;
					}
					catch (DataAccessException ex) {
						if (!Outages.isOutage(ex)) {
							throw ex;
						}
						outage = ex;
					}
				}
				remaining = deadline - System.nanoTime();
				try {
					// woken by a release notification, by becoming the head, or at the
					// poll
					ticket.await(seen, head, head ? Math.min(remaining, pollNanos(ticket)) : remaining);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					this.recorder.recordLockAcquisition(this.prefix, false, System.nanoTime() - start);
					throw new LockNotAcquiredException(
							"Interrupted while waiting for lock " + Arguments.quote(this.name), ex);
				}
			}
		}
	}

	@Override
	public boolean tryAcquire() {
		long start = System.nanoTime();
		checkNotHeld();
		boolean acquired = attempt();
		this.recorder.recordLockAcquisition(this.prefix, acquired, System.nanoTime() - start);
		return acquired;
	}

	@Override
	public void release() {
		stopRefresh();
		long released = this.door
			.await(this.door.eval(LuaScripts.LOCK_RELEASE, this.rawKey, this.token, this.rawChannel));
		Hold previous = this.hold;
		this.hold = null;
		if (released == 0) {
			LockNotHeldException notHeld = new LockNotHeldException(
					"Lock " + Arguments.quote(this.name) + " (key " + Arguments.quote(this.redisKey)
							+ ") is not held by this owner: never acquired, already released, expired or taken over");
			lost(previous, notHeld);
			throw notHeld;
		}
	}

	@Override
	public void extend(Duration ttl) {
		Arguments.requireLease(ttl, "ttl");
		long start = System.nanoTime();
		long millis = TtlPolicy.toMillis(ttl);
		if (this.door
			.await(this.door.eval(LuaScripts.LOCK_EXTEND, this.lockKeys, this.token, RedisDoor.ascii(millis))) != 1) {
			LockNotHeldException notHeld = new LockNotHeldException(
					"Cannot extend lock " + Arguments.quote(this.name) + " (key " + Arguments.quote(this.redisKey)
							+ "): it is not held by this owner (expired or taken over)");
			lost(this.hold, notHeld);
			this.hold = null;
			throw notHeld;
		}
		this.ttl = ttl;
		Hold current = this.hold;
		if (current != null) {
			this.hold = current.confirmed(start, millis);
		}
		LeaseKeeper.Lease running = currentLease();
		if (running != null) {
			running.extended(millis, start);
		}
	}

	@Override
	public boolean isHeld() {
		byte[] current = this.door.await(this.door.get(this.rawKey));
		boolean mine = current != null && Arrays.equals(current, this.token);
		if (!mine) {
			lost(this.hold,
					new LockNotHeldException(
							"Lock " + Arguments.quote(this.name) + " (key " + Arguments.quote(this.redisKey)
									+ ") was found without this owner's token (expired or taken over)"));
			this.hold = null;
		}
		return mine;
	}

	@Override
	public Duration leaseRemaining() {
		Hold current = knownHold();
		if (current == null) {
			return Duration.ZERO;
		}
		long remaining = confirmedUntil(current) - System.nanoTime();
		return (remaining > 0) ? Duration.ofNanos(remaining) : Duration.ZERO;
	}

	@Override
	public CompletionStage<LockNotHeldException> whenLost() {
		Hold current = knownHold();
		if (current == null) {
			return CompletableFuture.completedStage(new LockNotHeldException("Lock " + Arguments.quote(this.name)
					+ " (key " + Arguments.quote(this.redisKey) + ") is not held by this owner"));
		}
		if (!isKept()) {
			watchExpiry(current.lost);
		}
		return current.lost.minimalCompletionStage();
	}

	@Override
	public long fencingToken() {
		Hold current = knownHold();
		if (current == null || System.nanoTime() - confirmedUntil(current) >= 0) {
			throw new LockNotHeldException("Lock " + Arguments.quote(this.name) + " (key "
					+ Arguments.quote(this.redisKey) + ") is not held by this owner: it has no fencing token");
		}
		return current.fencingToken;
	}

	@Override
	public synchronized CompletableFuture<Void> refreshLoop(Duration interval) {
		Arguments.requireLease(interval, "interval");
		Hold current = knownHold();
		if (current == null) {
			throw new LockNotHeldException(
					"Cannot refresh lock " + Arguments.quote(this.name) + ": it is not held by this owner");
		}
		stopRefresh();
		LeaseKeeper.Lease started = this.locks.keeper()
			.keep(this, this.name, this.redisKey, this.lockKeys, this.token, current.leaseMillis,
					confirmedUntil(current), Math.max(1, interval.toNanos()));
		this.lease = started;
		CompletableFuture<LockNotHeldException> lost = current.lost;
		// the lease holds its lock only weakly, so must what it completes
		WeakReference<RedisDistributedLock> self = new WeakReference<>(this);
		started.future.whenComplete((result, failure) -> {
			if (failure instanceof LockNotHeldException notHeld) {
				lost.complete(notHeld);
			}
			else if (failure instanceof CompletionException wrapped
					&& wrapped.getCause() instanceof LockNotHeldException notHeld) {
				lost.complete(notHeld);
			}
			else if (failure instanceof CancellationException) {
				// the loop was cancelled, the hold goes on: its lease now simply runs out
				RedisDistributedLock lock = self.get();
				if (lock != null) {
					lock.watchExpiry(lost);
				}
			}
			// stopped by release or close: not a loss
		});
		return started.future;
	}

	@Override
	public void close() {
		stopRefresh();
		if (this.hold == null) {
			return;
		}
		try {
			release();
		}
		catch (LockNotHeldException | DataAccessException ex) {
			// close() is quiet by contract: an expired lock needs no release, and after a
			// Redis failure the lease frees the lock when it runs out
			this.hold = null;
		}
	}

	@Override
	public String toString() {
		return "RedisDistributedLock[" + this.redisKey + "]";
	}

	String redisKey() {
		return this.redisKey;
	}

	/** The owner token (for tests). */
	byte[] token() {
		return this.token;
	}

	/** The lease of the next acquire and of extends. */
	Duration ttl() {
		return this.ttl;
	}

	/**
	 * The hold, unless this owner knows it is lost: a running lease that gave up counts
	 * as lost.
	 */
	private @Nullable Hold knownHold() {
		Hold current = this.hold;
		if (current == null) {
			return null;
		}
		LeaseKeeper.Lease running = currentLease();
		if (running != null && running.isLost()) {
			this.hold = null;
			return null;
		}
		return current;
	}

	/** Until when the hold is surely held: its own confirmation or its lease's, later. */
	private long confirmedUntil(Hold current) {
		long own = current.confirmedUntilNanos();
		LeaseKeeper.Lease running = currentLease();
		if (running == null) {
			return own;
		}
		long kept = running.confirmedUntilNanos();
		return (kept - own > 0) ? kept : own;
	}

	private boolean attempt() {
		long start = System.nanoTime();
		long issued;
		long millis = TtlPolicy.toMillis(this.ttl);
		try {
			issued = this.door
				.await(this.door.eval(LuaScripts.LOCK_ACQUIRE, this.lockKeys, this.token, RedisDoor.ascii(millis)));
		}
		catch (RuntimeException ex) {
			removeGhost();
			throw ex;
		}
		if (issued <= 0) {
			this.otherLeaseNanos = (issued <= -2) ? TimeUnit.MILLISECONDS.toNanos(-issued - 2) : -1;
			return false;
		}
		this.hold = new Hold(issued, start, millis, new CompletableFuture<>());
		return true;
	}

	/**
	 * One attempt without waiting for the reply on the caller's thread: {@code true} when
	 * acquired (the hold is then known), {@code false} when another owner holds the lock;
	 * fails as the blocking attempt does, within about the command timeout.
	 */
	CompletableFuture<Boolean> attemptAsync() {
		long start = System.nanoTime();
		long millis = TtlPolicy.toMillis(this.ttl);
		return this.door
			.bounded(this.door.eval(LuaScripts.LOCK_ACQUIRE, this.lockKeys, this.token, RedisDoor.ascii(millis)))
			.handle((issued, failure) -> {
				if (failure != null) {
					removeGhost();
					throw new CompletionException(this.door.translate(failure));
				}
				if (issued <= 0) {
					this.otherLeaseNanos = (issued <= -2) ? TimeUnit.MILLISECONDS.toNanos(-issued - 2) : -1;
					return false;
				}
				this.hold = new Hold(issued, start, millis, new CompletableFuture<>());
				return true;
			});
	}

	/**
	 * Releases without waiting: stops the lease and runs the release script.
	 * @return 1 when this owner's token was removed, 0 when the key no longer held it
	 */
	CompletableFuture<Long> releaseAsync() {
		stopRefresh();
		return this.door.bounded(this.door.eval(LuaScripts.LOCK_RELEASE, this.rawKey, this.token, this.rawChannel))
			.whenComplete((released, failure) -> {
				Hold previous = this.hold;
				this.hold = null;
				if (failure == null && released == 0) {
					lost(previous, new LockNotHeldException("Lock " + Arguments.quote(this.name) + " (key "
							+ Arguments.quote(this.redisKey) + ") was not held by this owner at release"));
				}
			});
	}

	/**
	 * How long a waiter that does not listen for releases pauses before its next attempt:
	 * the jittered retry interval, never past the end of the holder's lease.
	 */
	long retryPauseNanos() {
		long poll = jitteredRetryNanos();
		long other = this.otherLeaseNanos;
		return (other >= 0) ? Math.min(poll, other + TimeUnit.MILLISECONDS.toNanos(1)) : poll;
	}

	String prefix() {
		return this.prefix;
	}

	/**
	 * After an attempt whose outcome is unknown (a timeout: the command may still run
	 * later), removes this owner's token if it landed, so that no lock is held by an
	 * owner that does not know it. Sent without waiting, on the same connection as the
	 * attempt, so Redis runs it after the attempt; it wakes the waiters if it removes
	 * anything.
	 */
	private void removeGhost() {
		try {
			this.door.eval(LuaScripts.LOCK_RELEASE, this.rawKey, this.token, this.rawChannel);
		}
		catch (RuntimeException ex) {
			// the lease frees the lock when it runs out
		}
	}

	private boolean attemptInterruptibly(long start) {
		try {
			return attempt();
		}
		catch (RuntimeException ex) {
			// Lettuce turns an interrupt during a command into
			// RedisCommandInterruptedException and sets the flag again: report it as the
			// interrupted wait it is
			if (Thread.currentThread().isInterrupted()) {
				this.recorder.recordLockAcquisition(this.prefix, false, System.nanoTime() - start);
				throw new LockNotAcquiredException("Interrupted while waiting for lock " + Arguments.quote(this.name),
						ex);
			}
			throw ex;
		}
	}

	private void checkNotHeld() {
		if (knownHold() != null && isHeld()) {
			throw new IllegalStateException("Lock " + Arguments.quote(this.name) + " is already held by this owner");
		}
	}

	/** Whether a refresh loop keeps the lease right now. */
	private boolean isKept() {
		LeaseKeeper.Lease running = currentLease();
		return running != null && !running.future.isDone();
	}

	private synchronized LeaseKeeper.@Nullable Lease currentLease() {
		return this.lease;
	}

	private synchronized void stopRefresh() {
		LeaseKeeper.Lease current = this.lease;
		if (current != null) {
			current.stop();
			this.lease = null;
		}
	}

	/** Tells whoever waits on {@link #whenLost()} that {@code lostHold} is lost. */
	private static void lost(@Nullable Hold lostHold, LockNotHeldException why) {
		if (lostHold != null) {
			lostHold.lost.complete(why);
		}
	}

	/**
	 * For a hold that no refresh loop keeps: completes its {@code lost} when its lease
	 * runs out, checked on the lease keeper's scheduler at the end of the lease (and
	 * again at the new end when the owner extended it meanwhile). A refresh loop started
	 * meanwhile reports the loss itself.
	 */
	private void watchExpiry(CompletableFuture<LockNotHeldException> lost) {
		Hold current = this.hold;
		if (lost.isDone() || current == null || current.lost != lost || isKept()) {
			return;
		}
		long until = confirmedUntil(current);
		long remaining = until - System.nanoTime();
		if (remaining <= 0) {
			lost.complete(new LockNotHeldException("The lease of lock " + Arguments.quote(this.name) + " (key "
					+ Arguments.quote(this.redisKey) + ") ran out without an extend (no refresh loop kept it)"));
			return;
		}
		this.locks.keeper().at(remaining, () -> watchExpiry(lost));
	}

	/**
	 * How long the head waiter sleeps unless woken: the retry interval; while releases
	 * are notified, up to ten times that (at most a second: the fallback for a lost
	 * notification or a release that publishes nothing); never past the end of the
	 * holder's lease.
	 */
	private long pollNanos(LockWaiters.Ticket ticket) {
		long poll = jitteredRetryNanos();
		if (ticket.isListening()) {
			poll = Math.max(poll, Math.min(10 * poll, LISTENING_POLL_CAP_NANOS));
		}
		long other = this.otherLeaseNanos;
		if (other >= 0) {
			poll = Math.min(poll, other + TimeUnit.MILLISECONDS.toNanos(1));
		}
		return poll;
	}

	private long jitteredRetryNanos() {
		long base = this.retryInterval.toNanos();
		// 50 % to 150 % of the interval, so that waiters spread out instead of retrying
		// in lockstep
		return base / 2 + ThreadLocalRandom.current().nextLong(Math.max(1, base));
	}

	/**
	 * What this owner knows of one hold, replaced as a whole.
	 *
	 * @param fencingToken the token the acquire issued
	 * @param confirmedAtNanos {@code System.nanoTime()} at the start of the acquire or
	 * extend that last succeeded
	 * @param leaseMillis the lease it was confirmed for
	 * @param lost completed when this owner learns that the hold is lost (shared by the
	 * hold's confirmations)
	 */
	private record Hold(long fencingToken, long confirmedAtNanos, long leaseMillis,
			CompletableFuture<LockNotHeldException> lost) {

		long confirmedUntilNanos() {
			return this.confirmedAtNanos + TimeUnit.MILLISECONDS.toNanos(this.leaseMillis);
		}

		Hold confirmed(long atNanos, long millis) {
			return new Hold(this.fencingToken, atNanos, millis, this.lost);
		}

	}

}
