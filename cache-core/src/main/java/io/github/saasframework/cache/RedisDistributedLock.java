package io.github.saasframework.cache;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.saasframework.cache.lock.DistributedLock;
import io.github.saasframework.cache.lock.LockNotAcquiredException;
import io.github.saasframework.cache.lock.LockNotHeldException;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.SetCondition;

/**
 * The Redis lock: {@code SET key token NX PX ttl} to acquire, Lua compare-and-act scripts
 * to release and extend, a shared daemon scheduler for {@link #refreshLoop(Duration)}.
 */
final class RedisDistributedLock implements DistributedLock {

	private static final ScheduledExecutorService REFRESHER = refresher();

	private final RedisCalls redis;

	private final CacheMetricsRecorder recorder;

	private final CacheObserver observer;

	private final String prefix;

	private final String name;

	private final String redisKey;

	private final byte[] rawKey;

	private final byte[] token;

	private final Duration retryInterval;

	private volatile Duration ttl;

	private volatile boolean held;

	private @Nullable Refresh refresh;

	RedisDistributedLock(RedisCalls redis, KeyNamespace namespace, String name, Duration ttl, Duration retryInterval,
			CacheMetricsRecorder recorder, CacheObserver observer) {
		this.redis = redis;
		this.recorder = recorder;
		this.observer = observer;
		this.prefix = namespace.metricsPrefix();
		this.name = name;
		this.redisKey = namespace.redisKey(name);
		this.rawKey = this.redisKey.getBytes(StandardCharsets.UTF_8);
		this.token = RedisCalls.newToken();
		this.ttl = ttl;
		this.retryInterval = retryInterval;
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

	private void waitFor(Duration waitTimeout) {
		long start = System.nanoTime();
		long deadline = start + waitTimeout.toNanos();
		checkNotHeld();
		while (true) {
			if (attemptInterruptibly(start)) {
				this.recorder.recordLockAcquisition(this.prefix, true, System.nanoTime() - start);
				return;
			}
			long remaining = deadline - System.nanoTime();
			if (remaining <= 0) {
				this.recorder.recordLockAcquisition(this.prefix, false, System.nanoTime() - start);
				throw new LockNotAcquiredException(
						"Lock '" + this.name + "' (key '" + this.redisKey + "') not acquired within " + waitTimeout);
			}
			try {
				TimeUnit.NANOSECONDS.sleep(Math.min(remaining, jitteredRetryNanos()));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				this.recorder.recordLockAcquisition(this.prefix, false, System.nanoTime() - start);
				throw new LockNotAcquiredException("Interrupted while waiting for lock '" + this.name + "'", ex);
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
		long released = this.redis.eval(LuaScripts.LOCK_RELEASE, this.rawKey, this.token);
		this.held = false;
		if (released == 0) {
			throw new LockNotHeldException("Lock '" + this.name + "' (key '" + this.redisKey
					+ "') is not held by this owner: never acquired, already released, expired or taken over");
		}
	}

	@Override
	public void extend(Duration ttl) {
		Arguments.requirePositive(ttl, "ttl");
		if (!runExtend(ttl)) {
			this.held = false;
			throw new LockNotHeldException("Cannot extend lock '" + this.name + "' (key '" + this.redisKey
					+ "'): it is not held by this owner (expired or taken over)");
		}
		this.ttl = ttl;
	}

	@Override
	public boolean isHeld() {
		byte[] current = this.redis.get(this.rawKey);
		boolean mine = current != null && java.util.Arrays.equals(current, this.token);
		if (!mine) {
			this.held = false;
		}
		return mine;
	}

	@Override
	public synchronized CompletableFuture<Void> refreshLoop(Duration interval) {
		Arguments.requirePositive(interval, "interval");
		if (!this.held) {
			throw new LockNotHeldException("Cannot refresh lock '" + this.name + "': it is not held by this owner");
		}
		stopRefresh();
		CompletableFuture<Void> future = new CompletableFuture<>();
		Refresh started = new Refresh(future);
		long nanos = Math.max(1, interval.toNanos());
		started.task = REFRESHER.scheduleWithFixedDelay(() -> refreshOnce(started), nanos, nanos, TimeUnit.NANOSECONDS);
		// cancel() of the returned future stops the loop (and leaves the lock held)
		future.whenComplete((result, failure) -> started.cancelTask());
		this.refresh = started;
		return future;
	}

	@Override
	public void close() {
		stopRefresh();
		if (!this.held) {
			return;
		}
		try {
			release();
		}
		catch (LockNotHeldException | DataAccessException ex) {
			// close() is quiet by contract: an expired lock needs no release, and after a
			// Redis
			// failure the lease frees the lock when it runs out
			this.held = false;
		}
	}

	@Override
	public String toString() {
		return "RedisDistributedLock[" + this.redisKey + "]";
	}

	private boolean attempt() {
		boolean acquired = this.redis.set(this.rawKey, this.token, TtlPolicy.toMillis(this.ttl),
				SetCondition.ifAbsent());
		if (acquired) {
			this.held = true;
		}
		return acquired;
	}

	private boolean attemptInterruptibly(long start) {
		try {
			return attempt();
		}
		catch (RuntimeException ex) {
			// Lettuce turns an interrupt during a command into
			// RedisCommandInterruptedException
			// and sets the flag again: report it as the interrupted wait it is
			if (Thread.currentThread().isInterrupted()) {
				this.recorder.recordLockAcquisition(this.prefix, false, System.nanoTime() - start);
				throw new LockNotAcquiredException("Interrupted while waiting for lock '" + this.name + "'", ex);
			}
			throw ex;
		}
	}

	private void checkNotHeld() {
		if (this.held && isHeld()) {
			throw new IllegalStateException("Lock '" + this.name + "' is already held by this owner");
		}
	}

	private boolean runExtend(Duration lease) {
		return this.redis.eval(LuaScripts.LOCK_EXTEND, this.rawKey, this.token,
				RedisCalls.ascii(TtlPolicy.toMillis(lease))) == 1;
	}

	private void refreshOnce(Refresh loop) {
		if (loop.future.isDone()) {
			return;
		}
		try {
			if (!runExtend(this.ttl)) {
				this.held = false;
				loop.future.completeExceptionally(new LockNotHeldException("Lock '" + this.name + "' (key '"
						+ this.redisKey + "') was lost: it expired or was taken over before the refresh"));
			}
		}
		catch (RuntimeException ex) {
			loop.future.completeExceptionally(ex);
		}
	}

	private synchronized void stopRefresh() {
		Refresh current = this.refresh;
		if (current != null) {
			current.cancelTask();
			current.future.complete(null);
			this.refresh = null;
		}
	}

	private long jitteredRetryNanos() {
		long base = this.retryInterval.toNanos();
		// 50 % to 150 % of the interval, so that waiters spread out instead of retrying
		// in lockstep
		return base / 2 + ThreadLocalRandom.current().nextLong(Math.max(1, base));
	}

	private static ScheduledExecutorService refresher() {
		AtomicInteger count = new AtomicInteger();
		ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, (runnable) -> {
			Thread thread = new Thread(runnable, "cache-lock-refresh-" + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		});
		executor.setRemoveOnCancelPolicy(true);
		return executor;
	}

	private static final class Refresh {

		final CompletableFuture<Void> future;

		volatile @Nullable ScheduledFuture<?> task;

		Refresh(CompletableFuture<Void> future) {
			this.future = future;
		}

		void cancelTask() {
			ScheduledFuture<?> scheduled = this.task;
			if (scheduled != null) {
				scheduled.cancel(false);
			}
		}

	}

}
