package io.github.saasframework.cache.internal.lock;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import io.github.saasframework.cache.CacheObserver;
import io.github.saasframework.cache.internal.Arguments;
import io.github.saasframework.cache.internal.KeyNamespace;
import io.github.saasframework.cache.lock.LockNotAcquiredException;
import io.github.saasframework.cache.lock.LockNotHeldException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * A lock held for an asynchronous action (a {@code @WithLock} method that returns a
 * future or a publisher): acquired without blocking a thread (attempts on a timer, at the
 * retry interval, until the wait runs out), its lease kept by the cache's
 * {@link LeaseKeeper} until {@link #release()}, which tells whether it was lost
 * meanwhile. The same lock on the wire as {@code withLock}: the same scripts, token,
 * fencing counter and lease. Not reentrant: the thread that runs an asynchronous action
 * says nothing about who holds what. Thread-safe.
 */
public final class AsyncLock {

	private static final Log logger = LogFactory.getLog(AsyncLock.class);

	private final RedisDistributedLock lock;

	private final Executor executor;

	private volatile @Nullable CompletableFuture<Void> lease;

	private AsyncLock(RedisDistributedLock lock, Executor executor) {
		this.lock = lock;
		this.executor = executor;
	}

	/**
	 * Acquires a lock without blocking: the future completes on {@code executor} (never
	 * on a Lettuce thread) with the held lock, or exceptionally with
	 * {@link LockNotAcquiredException} when {@code waitTime} ran out, or with the Redis
	 * failure. Cancelling the future stops the attempts; a lock acquired meanwhile is
	 * released.
	 * @param locks the cache's locks
	 * @param namespace the cache's namespace
	 * @param name the unprefixed lock name, checked
	 * @param ttl the lease, checked
	 * @param waitTime how long to wait, checked
	 * @param executor where the future completes and the timer runs the attempts
	 * @return the held lock
	 */
	public static CompletableFuture<AsyncLock> acquire(Locks locks, KeyNamespace namespace, String name, Duration ttl,
			Duration waitTime, Executor executor) {
		RedisDistributedLock lock = new RedisDistributedLock(locks, namespace, name, ttl);
		AsyncLock mine = new AsyncLock(lock, executor);
		CompletableFuture<AsyncLock> result = new CompletableFuture<>();
		CacheObserver.Observed observed = locks.observer().start(CacheObserver.Operation.LOCK, lock.prefix());
		long start = System.nanoTime();
		long deadline = start + Arguments.saturatedNanos(waitTime);
		result.whenComplete((held, failure) -> {
			boolean acquired = failure == null;
			locks.recorder().recordLockAcquisition(lock.prefix(), acquired, System.nanoTime() - start);
			if (acquired) {
				observed.result(CacheObserver.Result.ACQUIRED);
			}
			else if (failure instanceof LockNotAcquiredException) {
				observed.result(CacheObserver.Result.NOT_ACQUIRED);
			}
			else {
				observed.error(failure);
			}
			observed.stop();
		});
		mine.attempt(result, deadline, waitTime);
		return result;
	}

	/**
	 * The unprefixed lock name.
	 * @return the name
	 */
	public String name() {
		return this.lock.name();
	}

	/**
	 * The fencing token of this hold.
	 * @return the token
	 * @throws LockNotHeldException when the lock is no longer held
	 */
	public long fencingToken() {
		return this.lock.fencingToken();
	}

	/**
	 * Releases the lock without blocking. Completes normally when the key still held this
	 * owner's token; exceptionally with {@link LockNotHeldException} when the lock was
	 * lost meanwhile (so another owner may have held it while the action ran). A release
	 * that Redis does not answer is logged: the lock then frees itself when its lease
	 * runs out.
	 * @return completes when released
	 */
	public CompletableFuture<Void> release() {
		CompletableFuture<Void> running = this.lease;
		boolean leaseLost = running != null && running.isCompletedExceptionally();
		return this.lock.releaseAsync().handle((released, failure) -> {
			if (failure == null && released == 1) {
				return null;
			}
			if (failure == null || leaseLost) {
				throw new CompletionException(new LockNotHeldException(
						"Lock " + Arguments.quote(name()) + " (key " + Arguments.quote(this.lock.redisKey())
								+ ") was lost while its action ran, so another owner" + " may have held it meanwhile: "
								+ ((failure == null) ? "at release its key no longer held this owner's token"
										: "its lease could not be kept"),
						failure));
			}
			logger.warn("Lock " + Arguments.quote(name()) + " (key " + Arguments.quote(this.lock.redisKey())
					+ ") could not be released after its action, which ran under the lock: " + failure
					+ "; the lock frees itself when its lease of " + this.lock.ttl() + " runs out");
			return null;
		});
	}

	/** Releases, ignoring the outcome (an acquire nobody waits for any more). */
	void releaseQuietly() {
		release().whenComplete((released, failure) -> {
		});
	}

	private void attempt(CompletableFuture<AsyncLock> result, long deadline, Duration waitTime) {
		if (result.isDone()) {
			// cancelled while waiting
			return;
		}
		this.lock.attemptAsync().whenComplete((acquired, failure) -> {
			if (failure != null) {
				completeOnExecutor(result, null, unwrap(failure));
				return;
			}
			if (acquired) {
				try {
					this.lease = this.lock.refreshLoop(refreshInterval(this.lock.ttl()));
				}
				catch (RuntimeException ex) {
					releaseQuietly();
					completeOnExecutor(result, null, ex);
					return;
				}
				completeOnExecutor(result, this, null);
				return;
			}
			long remaining = deadline - System.nanoTime();
			if (remaining <= 0) {
				completeOnExecutor(result, null, new LockNotAcquiredException("Lock " + Arguments.quote(name())
						+ " (key " + Arguments.quote(this.lock.redisKey()) + ") not acquired within " + waitTime));
				return;
			}
			long pause = Math.max(1, Math.min(this.lock.retryPauseNanos(), remaining));
			try {
				CompletableFuture.delayedExecutor(pause, TimeUnit.NANOSECONDS, this.executor)
					.execute(() -> attempt(result, deadline, waitTime));
			}
			catch (RejectedExecutionException ex) {
				result.completeExceptionally(ex);
			}
		});
	}

	/**
	 * Completes the acquire on the executor; a lock acquired for an acquire that was
	 * cancelled meanwhile is released.
	 */
	private void completeOnExecutor(CompletableFuture<AsyncLock> result, @Nullable AsyncLock held,
			@Nullable Throwable failure) {
		Runnable completion = () -> {
			boolean completed = (failure != null) ? result.completeExceptionally(failure) : result.complete(held);
			if (!completed && held != null) {
				held.releaseQuietly();
			}
		};
		try {
			this.executor.execute(completion);
		}
		catch (RejectedExecutionException ex) {
			completion.run();
		}
	}

	private static Duration refreshInterval(Duration ttl) {
		Duration third = ttl.dividedBy(3);
		return third.isZero() ? Duration.ofMillis(1) : third;
	}

	private static Throwable unwrap(Throwable failure) {
		Throwable current = failure;
		while (current instanceof CompletionException && current.getCause() != null) {
			current = current.getCause();
		}
		return current;
	}

	@Override
	public String toString() {
		return "AsyncLock[" + this.lock.redisKey() + "]";
	}

}
