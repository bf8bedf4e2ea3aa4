package io.github.saasframework.cache.benchmarks;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;

import io.github.saasframework.cache.lock.DistributedLock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Threads;

/**
 * Lock acquire and release of one lock name: our {@code DistributedLock} against
 * Redisson's {@code RLock} and Spring Integration's {@code RedisLockRegistry}, with the
 * same 30 s lease. {@link T1}: uncontended; {@link T8}: eight threads on the one key.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public abstract class LockBenchmark {

	private static final Duration LEASE = Duration.ofMillis(Contenders.LOCK_LEASE_MILLIS);

	private static final Duration WAIT = Duration.ofSeconds(30);

	@Benchmark
	public void lockOurs(Contenders.Ours ours) {
		DistributedLock lock = ours.cache.lock(Contenders.LOCK_NAME, LEASE);
		lock.acquire(WAIT);
		lock.release();
	}

	@Benchmark
	public void lockRedisson(Contenders.Redisson redisson) {
		redisson.lockAndUnlock();
	}

	@Benchmark
	public void lockRegistry(Contenders.Registry registry) {
		Lock lock = registry.registry.obtain(Contenders.LOCK_NAME);
		lock.lock();
		lock.unlock();
	}

	/** Uncontended: one thread. */
	@Threads(1)
	public static class T1 extends LockBenchmark {

	}

	/** Contended: eight threads on one lock name. */
	@Threads(8)
	public static class T8 extends LockBenchmark {

	}

}
