package io.github.saasframework.cache;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.saasframework.cache.testsupport.RedisServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * In-process single-flight of {@code remember}: concurrent callers of one cold key share
 * one loader call, its value and its failure.
 */
@ExtendWith(RedisServerExtension.class)
class RememberConcurrencyTests {

	private static final int THREADS = 64;

	private RedisCache cache;

	@BeforeEach
	void setUp() {
		this.cache = CacheTestSupport.cache(CacheTestSupport.uniquePrefix("remember"));
	}

	@AfterEach
	void tearDown() {
		CacheTestSupport.clean(this.cache);
	}

	@Test
	void remember_64ThreadsOnOneColdKey_loadOnce() throws Exception {
		AtomicInteger loads = new AtomicInteger();
		CountDownLatch release = new CountDownLatch(1);
		List<Person> results = runConcurrently(
				() -> this.cache.remember("hot", Duration.ofMinutes(1), Person.class, () -> {
					loads.incrementAndGet();
					release.await(10, TimeUnit.SECONDS);
					return Person.of(7);
				}), release);
		assertThat(loads).hasValue(1);
		assertThat(results).hasSize(THREADS).containsOnly(Person.of(7));
	}

	@Test
	void remember_concurrentCallersShareLoaderFailure_andNothingIsStored() throws Exception {
		AtomicInteger loads = new AtomicInteger();
		CountDownLatch release = new CountDownLatch(1);
		ExecutorService pool = Executors.newFixedThreadPool(8);
		CyclicBarrier barrier = new CyclicBarrier(8);
		List<Future<Object>> futures = new ArrayList<>();
		for (int i = 0; i < 8; i++) {
			futures.add(pool.submit(() -> {
				barrier.await();
				return this.cache.remember("failing", Duration.ZERO, String.class, () -> {
					loads.incrementAndGet();
					release.await(10, TimeUnit.SECONDS);
					throw new IllegalStateException("backend down");
				});
			}));
		}
		Thread.sleep(100);
		release.countDown();
		for (Future<Object> future : futures) {
			assertThatExceptionOfType(Exception.class).isThrownBy(() -> future.get(10, TimeUnit.SECONDS))
				.withCauseInstanceOf(IllegalStateException.class);
		}
		pool.shutdownNow();
		assertThat(loads.get()).as("callers shared the failing load instead of each loading").isLessThan(8);
		assertThat(this.cache.exists("failing")).isZero();
	}

	private <T> List<T> runConcurrently(java.util.concurrent.Callable<T> call, CountDownLatch release)
			throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(THREADS);
		CyclicBarrier barrier = new CyclicBarrier(THREADS);
		try {
			List<Future<T>> futures = new ArrayList<>();
			for (int i = 0; i < THREADS; i++) {
				futures.add(pool.submit(() -> {
					barrier.await();
					return call.call();
				}));
			}
			// let every thread reach the cache before the single loader finishes
			Thread.sleep(200);
			release.countDown();
			List<T> results = new ArrayList<>();
			for (Future<T> future : futures) {
				results.add(future.get(30, TimeUnit.SECONDS));
			}
			return results;
		}
		finally {
			pool.shutdownNow();
		}
	}

}
