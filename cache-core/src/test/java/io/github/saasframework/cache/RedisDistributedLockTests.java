package io.github.saasframework.cache;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.saasframework.cache.lock.DistributedLock;
import io.github.saasframework.cache.lock.LockNotAcquiredException;
import io.github.saasframework.cache.lock.LockNotHeldException;
import io.github.saasframework.cache.testsupport.RedisServerExtension;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.data.redis.core.RedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * Lock semantics on a real Redis: owner tokens, compare-and-act release and extend,
 * waiting, refresh loop, and mutual exclusion under concurrency.
 */
@ExtendWith(RedisServerExtension.class)
class RedisDistributedLockTests {

	private RedisCache cache;

	private RedisTemplate<String, byte[]> raw;

	@BeforeEach
	void setUp() {
		this.cache = CacheTestSupport.cache(CacheTestSupport.uniquePrefix("lock"));
		this.raw = CacheTestSupport.rawTemplate();
	}

	@AfterEach
	void tearDown() {
		CacheTestSupport.clean(this.cache);
	}

	private String redisKey(String name) {
		return this.cache.prefix() + ":" + name;
	}

	@Test
	void tryAcquire_freeLock_succeeds_secondOwnerFails() {
		DistributedLock first = this.cache.lock("job", Duration.ofSeconds(10));
		DistributedLock second = this.cache.lock("job", Duration.ofSeconds(10));
		assertThat(first.tryAcquire()).isTrue();
		assertThat(second.tryAcquire()).isFalse();
		assertThat(first.isHeld()).isTrue();
		assertThat(second.isHeld()).isFalse();
	}

	@Test
	void tryAcquire_whileHeldByThisOwner_throwsIllegalState() {
		DistributedLock lock = this.cache.lock("job", Duration.ofSeconds(10));
		lock.tryAcquire();
		assertThatIllegalStateException().isThrownBy(lock::tryAcquire).withMessageContaining("job");
	}

	@Test
	void release_byOtherOwner_throwsLockNotHeldAndKeepsLock() {
		DistributedLock owner = this.cache.lock("job", Duration.ofSeconds(10));
		DistributedLock other = this.cache.lock("job", Duration.ofSeconds(10));
		owner.tryAcquire();
		byte[] token = this.raw.opsForValue().get(redisKey("job"));
		assertThatExceptionOfType(LockNotHeldException.class).isThrownBy(other::release).withMessageContaining("job");
		assertThat(this.raw.opsForValue().get(redisKey("job"))).isEqualTo(token);
		assertThat(owner.isHeld()).isTrue();
	}

	@Test
	void release_twice_throwsLockNotHeld() {
		DistributedLock lock = this.cache.lock("job", Duration.ofSeconds(10));
		lock.tryAcquire();
		lock.release();
		assertThat(this.cache.exists("job")).isZero();
		assertThatExceptionOfType(LockNotHeldException.class).isThrownBy(lock::release);
	}

	@Test
	void release_afterExpiryAndTakeover_leavesNewOwnersLock() {
		DistributedLock first = this.cache.lock("job", Duration.ofMillis(50));
		first.tryAcquire();
		Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> this.cache.exists("job") == 0);
		DistributedLock second = this.cache.lock("job", Duration.ofSeconds(10));
		assertThat(second.tryAcquire()).isTrue();
		assertThatExceptionOfType(LockNotHeldException.class).isThrownBy(first::release);
		assertThat(second.isHeld()).isTrue();
	}

	@Test
	void releasedLock_canBeAcquiredAgainBySameObject() {
		DistributedLock lock = this.cache.lock("job", Duration.ofSeconds(10));
		assertThat(lock.tryAcquire()).isTrue();
		lock.release();
		assertThat(lock.tryAcquire()).isTrue();
		lock.release();
	}

	@Test
	void acquire_waitsUntilOwnerReleases() throws Exception {
		DistributedLock owner = this.cache.lock("job", Duration.ofSeconds(10));
		owner.tryAcquire();
		DistributedLock waiter = this.cache.lock("job", Duration.ofSeconds(10));
		CountDownLatch started = new CountDownLatch(1);
		CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> {
			started.countDown();
			waiter.acquire(Duration.ofSeconds(10));
		});
		started.await();
		assertThat(waiting).isNotDone();
		owner.release();
		waiting.get(10, TimeUnit.SECONDS);
		assertThat(waiter.isHeld()).isTrue();
	}

	@Test
	void acquire_heldUntilTimeout_throwsLockNotAcquired() {
		this.cache.lock("job", Duration.ofSeconds(10)).tryAcquire();
		DistributedLock waiter = this.cache.lock("job", Duration.ofSeconds(10));
		assertThatExceptionOfType(LockNotAcquiredException.class)
			.isThrownBy(() -> waiter.acquire(Duration.ofMillis(100)))
			.withMessageContaining("job")
			.withMessageContaining("PT0.1S");
		assertThat(waiter.isHeld()).isFalse();
	}

	@Test
	void acquire_interrupted_throwsAndKeepsInterruptFlag() {
		this.cache.lock("job", Duration.ofSeconds(10)).tryAcquire();
		DistributedLock waiter = this.cache.lock("job", Duration.ofSeconds(10));
		Thread.currentThread().interrupt();
		try {
			assertThatExceptionOfType(LockNotAcquiredException.class)
				.isThrownBy(() -> waiter.acquire(Duration.ofSeconds(10)))
				.withMessageContaining("Interrupted");
			assertThat(Thread.currentThread().isInterrupted()).isTrue();
		}
		finally {
			Thread.interrupted();
		}
	}

	@Test
	void acquire_interruptedWhileSleeping_throwsLockNotAcquired() throws Exception {
		this.cache.lock("job", Duration.ofSeconds(10)).tryAcquire();
		DistributedLock waiter = this.cache.lock("job", Duration.ofSeconds(10));
		CompletableFuture<Throwable> outcome = new CompletableFuture<>();
		Thread thread = new Thread(() -> {
			try {
				waiter.acquire(Duration.ofSeconds(30));
				outcome.complete(null);
			}
			catch (Throwable ex) {
				outcome.complete(ex);
			}
		});
		thread.start();
		Thread.sleep(100);
		thread.interrupt();
		assertThat(outcome.get(10, TimeUnit.SECONDS)).isInstanceOf(LockNotAcquiredException.class)
			.hasMessageContaining("Interrupted");
	}

	@Test
	void acquire_negativeWait_isRejected() {
		DistributedLock lock = this.cache.lock("job", Duration.ofSeconds(10));
		assertThatIllegalArgumentException().isThrownBy(() -> lock.acquire(Duration.ofMillis(-1)));
		assertThatIllegalArgumentException().isThrownBy(() -> lock.acquire(null));
	}

	@Test
	void lock_zeroOrNegativeTtl_isRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.cache.lock("job", Duration.ZERO))
			.withMessageContaining("ttl");
		assertThatIllegalArgumentException().isThrownBy(() -> this.cache.lock("job", Duration.ofSeconds(-1)));
		assertThatIllegalArgumentException().isThrownBy(() -> this.cache.lock("job", null));
	}

	@Test
	void extend_setsLeaseAtMillisecondPrecision() {
		DistributedLock lock = this.cache.lock("job", Duration.ofSeconds(10));
		lock.tryAcquire();
		lock.extend(Duration.ofMillis(30_500));
		assertThat(CacheTestSupport.pttl(this.raw, redisKey("job"))).isBetween(29_000L, 30_500L);
		assertThatIllegalArgumentException().isThrownBy(() -> lock.extend(Duration.ZERO));
	}

	@Test
	void extend_notHeld_throwsLockNotHeld() {
		DistributedLock lock = this.cache.lock("job", Duration.ofSeconds(10));
		assertThatExceptionOfType(LockNotHeldException.class).isThrownBy(() -> lock.extend(Duration.ofSeconds(1)));
		assertThat(this.cache.exists("job")).isZero();
	}

	@Test
	void isHeld_afterLeaseRunsOut_isFalse() {
		DistributedLock lock = this.cache.lock("job", Duration.ofMillis(50));
		lock.tryAcquire();
		Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !lock.isHeld());
	}

	@Test
	void refreshLoop_keepsLockPastItsTtl_untilRelease() throws Exception {
		DistributedLock lock = this.cache.lock("job", Duration.ofMillis(300));
		lock.tryAcquire();
		CompletableFuture<Void> loop = lock.refreshLoop(Duration.ofMillis(50));
		// the lease is 300 ms; poll past several leases while the loop keeps it alive
		long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(900);
		while (System.nanoTime() < deadline) {
			assertThat(lock.isHeld()).isTrue();
			Thread.sleep(50);
		}
		assertThat(loop).isNotDone();
		lock.release();
		assertThat(loop.get(5, TimeUnit.SECONDS)).isNull();
		assertThat(loop).isCompleted().isNotCompletedExceptionally();
	}

	@Test
	void refreshLoop_lockLost_completesExceptionallyWithLockNotHeld() {
		DistributedLock lock = this.cache.lock("job", Duration.ofSeconds(10));
		lock.tryAcquire();
		CompletableFuture<Void> loop = lock.refreshLoop(Duration.ofMillis(20));
		this.raw.delete(redisKey("job"));
		Awaitility.await().atMost(Duration.ofSeconds(5)).until(loop::isDone);
		assertThat(loop).isCompletedExceptionally();
		assertThatExceptionOfType(Exception.class).isThrownBy(loop::join)
			.withCauseInstanceOf(LockNotHeldException.class);
		assertThat(lock.isHeld()).isFalse();
	}

	@Test
	void refreshLoop_cancelled_stopsWithoutReleasing() {
		DistributedLock lock = this.cache.lock("job", Duration.ofSeconds(10));
		lock.tryAcquire();
		CompletableFuture<Void> loop = lock.refreshLoop(Duration.ofMillis(20));
		loop.cancel(false);
		assertThat(lock.isHeld()).isTrue();
		lock.release();
	}

	@Test
	void refreshLoop_notHeldOrBadInterval_isRejected() {
		DistributedLock lock = this.cache.lock("job", Duration.ofSeconds(10));
		assertThatExceptionOfType(LockNotHeldException.class).isThrownBy(() -> lock.refreshLoop(Duration.ofSeconds(1)));
		lock.tryAcquire();
		assertThatIllegalArgumentException().isThrownBy(() -> lock.refreshLoop(Duration.ZERO));
		lock.release();
	}

	@Test
	void close_releasesHeldLock_andNeverThrows() {
		DistributedLock lock = this.cache.lock("job", Duration.ofSeconds(10));
		try (lock) {
			lock.tryAcquire();
		}
		assertThat(this.cache.exists("job")).isZero();
		DistributedLock expired = this.cache.lock("job2", Duration.ofMillis(30));
		expired.tryAcquire();
		Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> this.cache.exists("job2") == 0);
		assertThatNoException().isThrownBy(expired::close);
		assertThatNoException().isThrownBy(this.cache.lock("never", Duration.ofSeconds(1))::close);
	}

	@Test
	void withLock_actionThrows_releasesLockAndRethrowsUnchanged() {
		IllegalStateException failure = new IllegalStateException("boom");
		assertThatExceptionOfType(IllegalStateException.class)
			.isThrownBy(() -> this.cache.withLock("job", Duration.ofSeconds(10), () -> {
				throw failure;
			}))
			.isSameAs(failure);
		assertThat(this.cache.exists("job")).isZero();
	}

	@Test
	void withLock_checkedException_isWrappedAndLockReleased() {
		Exception failure = new java.io.IOException("disk");
		assertThatExceptionOfType(CacheException.class)
			.isThrownBy(() -> this.cache.withLock("job", Duration.ofSeconds(10), (ThrowingRunnable) () -> {
				throw failure;
			}))
			.withCause(failure);
		assertThat(this.cache.exists("job")).isZero();
	}

	@Test
	void withLock_lockHeldElsewhere_throwsAfterWaitAndDoesNotRun() {
		RedisCache impatient = RedisCache.create(RedisServerExtension.connectionFactory(),
				CacheConfig.builder().keyPrefix(this.cache.prefix()).lockWait(Duration.ofMillis(100)).build());
		this.cache.lock("job", Duration.ofSeconds(10)).tryAcquire();
		AtomicBoolean ran = new AtomicBoolean();
		assertThatExceptionOfType(LockNotAcquiredException.class)
			.isThrownBy(() -> impatient.withLock("job", Duration.ofSeconds(1), () -> ran.set(true)));
		assertThat(ran).isFalse();
	}

	@Test
	void withLock_actionLongerThanTtl_keepsLockUntilDone() {
		AtomicBoolean heldThroughout = new AtomicBoolean(true);
		this.cache.withLock("job", Duration.ofMillis(400), () -> {
			DistributedLock competitor = this.cache.lock("job", Duration.ofSeconds(1));
			for (int i = 0; i < 20; i++) {
				if (competitor.tryAcquire()) {
					heldThroughout.set(false);
					competitor.release();
				}
				Thread.sleep(50);
			}
		});
		assertThat(heldThroughout).as("no competitor got the lock while the action ran").isTrue();
		assertThat(this.cache.exists("job")).isZero();
	}

	@Test
	void lock_tokenIsRandomPerObject() {
		DistributedLock a = this.cache.lock("a", Duration.ofSeconds(5));
		DistributedLock b = this.cache.lock("b", Duration.ofSeconds(5));
		a.tryAcquire();
		b.tryAcquire();
		String tokenA = new String(this.raw.opsForValue().get(redisKey("a")), StandardCharsets.UTF_8);
		String tokenB = new String(this.raw.opsForValue().get(redisKey("b")), StandardCharsets.UTF_8);
		assertThat(tokenA).isNotEqualTo(tokenB).hasSizeGreaterThanOrEqualTo(20);
	}

	/**
	 * 8 threads x 200 rounds of a read-modify-write on a Redis value, each under the
	 * lock: with mutual exclusion no update is lost.
	 */
	@Test
	void concurrentLockRounds_loseNoUpdate() throws Exception {
		int threads = 8;
		int rounds = 200;
		this.cache.set("counter", "0");
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		AtomicInteger inside = new AtomicInteger();
		AtomicInteger maxInside = new AtomicInteger();
		try {
			List<Future<?>> futures = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				futures.add(pool.submit(() -> {
					for (int r = 0; r < rounds; r++) {
						this.cache.withLock("counter-lock", Duration.ofSeconds(10), () -> {
							maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
							long value = Long.parseLong(this.cache.get("counter", String.class).orElseThrow());
							this.cache.set("counter", String.valueOf(value + 1));
							inside.decrementAndGet();
						});
					}
					return null;
				}));
			}
			for (Future<?> future : futures) {
				future.get(120, TimeUnit.SECONDS);
			}
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(this.cache.get("counter", String.class)).contains(String.valueOf(threads * rounds));
		assertThat(maxInside).hasValue(1);
	}

}
