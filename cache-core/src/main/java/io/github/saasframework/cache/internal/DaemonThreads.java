package io.github.saasframework.cache.internal;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Daemon threads with a name, for the executors a root cache owns (they never keep a JVM
 * alive and are shut down with the cache).
 */
public final class DaemonThreads implements ThreadFactory {

	private static final AtomicInteger POOLS = new AtomicInteger();

	private final String name;

	private final AtomicInteger threads = new AtomicInteger();

	/**
	 * A factory of threads named {@code <name>-<pool>-<n>}.
	 * @param name the threads' name
	 */
	public DaemonThreads(String name) {
		this.name = name + "-" + POOLS.incrementAndGet();
	}

	@Override
	public Thread newThread(Runnable task) {
		Thread thread = new Thread(task, this.name + "-" + this.threads.incrementAndGet());
		thread.setDaemon(true);
		return thread;
	}

	/**
	 * A pool without a bound that keeps no thread when idle (threads end after 60 s).
	 * @param name the threads' name
	 * @return the pool
	 */
	public static ExecutorService cachedPool(String name) {
		return new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
				new DaemonThreads(name));
	}

	/**
	 * The executor as something a cache's resources close: {@code shutdownNow}.
	 * @param executor the executor
	 * @return its closer
	 */
	public static AutoCloseable closing(ExecutorService executor) {
		return new AutoCloseable() {

			@Override
			public void close() {
				executor.shutdownNow();
			}

			@Override
			public String toString() {
				return "executor " + executor;
			}

		};
	}

}
