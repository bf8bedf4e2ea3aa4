package io.github.saasframework.cache.internal.remember;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.saasframework.cache.CacheMetricsRecorder;
import io.github.saasframework.cache.internal.Arguments;
import io.github.saasframework.cache.internal.InFlight;
import io.github.saasframework.cache.internal.ThrottledLog;

/**
 * Runs the background reloads of refresh-ahead for one root cache: at most one per Redis
 * key in this process at a time, on a small bounded pool that never blocks the reader (a
 * full pool skips the reload), with a per-key back-off after failures so a failing loader
 * is not called on every stale hit. Failures are counted and logged at most every 30
 * seconds. Registered in the cache's {@code CacheResources} and shut down with it.
 * <p>
 * A pool of platform threads rather than virtual threads: the library's baseline is Java
 * 17, the pool has no thread when idle (its threads time out), and reloads are few (one
 * per hot key per {@code refreshAfter}), so a handful of threads is enough and the bound
 * keeps a slow backend from receiving more concurrent reloads than that.
 */
public final class RefreshAhead implements AutoCloseable {

	/** How many reloads run at once in one process. */
	public static final int THREADS = 4;

	/** How many stale keys may wait for a thread; beyond that reloads are skipped. */
	public static final int QUEUE = 100;

	/** How long {@link #close()} waits for reloads before it interrupts them. */
	static final long CLOSE_GRACE_MILLIS = 1000;

	private static final long FIRST_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(1);

	private static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(30);

	/** Above this many failing keys, back-offs that ran out are dropped. */
	private static final int MAX_TRACKED_FAILURES = 10_000;

	private final CacheMetricsRecorder recorder;

	private final ThreadPoolExecutor executor;

	/** One reload per key in flight. */
	private final InFlight<String, Boolean> reloads = new InFlight<>();

	private final ConcurrentMap<String, Backoff> backoffs = new ConcurrentHashMap<>();

	private final ThrottledLog failureLog = new ThrottledLog(RefreshAhead.class);

	/**
	 * The reload pool of a root cache.
	 * @param recorder the metrics recorder
	 */
	public RefreshAhead(CacheMetricsRecorder recorder) {
		this.recorder = recorder;
		this.executor = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE),
				new DaemonThreads());
		this.executor.allowCoreThreadTimeOut(true);
	}

	/**
	 * Starts a reload of a stale key in the background, unless one is already queued or
	 * running in this process, or the key's last reload failed too recently. Never
	 * blocks.
	 * @param redisKey the full Redis key (what reloads are counted per)
	 * @param prefix the cache's prefix, for metrics
	 * @param key the unprefixed key, for the log
	 * @param reload the reload; returns whether it ran the loader (it does not when
	 * another process holds the lease or refreshed the entry meanwhile)
	 */
	public void request(String redisKey, String prefix, String key, Reload reload) {
		Backoff backoff = this.backoffs.get(redisKey);
		if (backoff != null && System.nanoTime() - backoff.notBefore < 0) {
			return;
		}
		CompletableFuture<Boolean> mine = this.reloads.startIfIdle(redisKey);
		if (mine == null) {
			return;
		}
		try {
			this.executor.execute(() -> run(redisKey, prefix, key, reload, mine));
		}
		catch (RejectedExecutionException ex) {
			mine.complete(false);
			this.recorder.recordRefreshSkipped(prefix);
		}
	}

	private void run(String redisKey, String prefix, String key, Reload reload, CompletableFuture<Boolean> mine) {
		boolean ran = false;
		try {
			ran = reload.run();
			if (ran) {
				this.backoffs.remove(redisKey);
				this.recorder.recordRefreshResult(prefix, true);
			}
		}
		catch (RuntimeException | Error ex) {
			failed(redisKey, prefix, key, ex);
		}
		finally {
			mine.complete(ran);
		}
	}

	private void failed(String redisKey, String prefix, String key, Throwable failure) {
		this.recorder.recordRefreshResult(prefix, false);
		if (this.backoffs.size() >= MAX_TRACKED_FAILURES) {
			long now = System.nanoTime();
			this.backoffs.values().removeIf((old) -> now - old.notBefore >= 0);
		}
		Backoff backoff = this.backoffs.merge(redisKey, Backoff.first(), (old, first) -> old.next());
		this.failureLog.warn(() -> "Refresh-ahead reload of key " + Arguments.quote(key) + " (prefix '" + prefix
				+ "') failed; the stored value is kept until its TTL ends and this process retries the key"
				+ " on a stale hit after " + TimeUnit.NANOSECONDS.toMillis(backoff.delayNanos) + " ms: " + failure);
	}

	/**
	 * Stops taking reloads, gives the queued and running ones up to
	 * {@link #CLOSE_GRACE_MILLIS} to finish, then interrupts them: reloads are optional
	 * work and must not hold up a shutdown (a lease left behind expires by itself).
	 */
	@Override
	public void close() {
		this.executor.shutdown();
		try {
			if (this.executor.awaitTermination(CLOSE_GRACE_MILLIS, TimeUnit.MILLISECONDS)) {
				return;
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.executor.shutdownNow();
	}

	@Override
	public String toString() {
		return "refresh-ahead pool";
	}

	/** One background reload. */
	@FunctionalInterface
	public interface Reload {

		/** Returns whether the loader ran and its value was stored. */
		boolean run();

	}

	/** When a key whose reload failed may be reloaded again, and the delay used. */
	private record Backoff(long notBefore, long delayNanos) {

		static Backoff first() {
			return new Backoff(System.nanoTime() + FIRST_BACKOFF_NANOS, FIRST_BACKOFF_NANOS);
		}

		Backoff next() {
			long delay = Math.min(this.delayNanos * 2, MAX_BACKOFF_NANOS);
			return new Backoff(System.nanoTime() + delay, delay);
		}

	}

	private static final class DaemonThreads implements ThreadFactory {

		private static final AtomicInteger POOLS = new AtomicInteger();

		private final int pool = POOLS.incrementAndGet();

		private final AtomicInteger threads = new AtomicInteger();

		@Override
		public Thread newThread(Runnable task) {
			Thread thread = new Thread(task, "cache-refresh-" + this.pool + "-" + this.threads.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		}

	}

}
