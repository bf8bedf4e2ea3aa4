package io.github.saasframework.cache;

import io.github.saasframework.cache.internal.lock.LockInternals;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.github.saasframework.cache.lock.DistributedLock;
import io.github.saasframework.cache.lock.LockNotAcquiredException;
import io.github.saasframework.cache.lock.LockNotHeldException;
import io.github.saasframework.cache.testsupport.RedisServerExtension;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Lease keeping at scale, durations Redis cannot hold, fencing tokens and reentrancy, on
 * the shared test server. "Instances" are caches on connection factories of their own.
 */
@ExtendWith(RedisServerExtension.class)
class LockLeaseFencingTests {

	private RedisCache cache;

	private RedisTemplate<String, byte[]> raw;

	private final List<LettuceConnectionFactory> factories = new ArrayList<>();

	@BeforeEach
	void setUp() {
		this.cache = CacheTestSupport.cache(CacheTestSupport.uniquePrefix("lease"));
		this.raw = CacheTestSupport.rawTemplate();
	}

	@AfterEach
	void tearDown() {
		CacheTestSupport.clean(this.cache);
		this.cache.close();
		this.factories.forEach(LettuceConnectionFactory::destroy);
	}

	private RedisCache instance() {
		LettuceConnectionFactory factory = RedisServerExtension.connectionFactory(RedisServerExtension.server(),
				Duration.ofSeconds(5));
		this.factories.add(factory);
		return RedisCache.create(factory,
				CacheConfig.builder()
					.keyPrefix(this.cache.prefix())
					.lockWait(Duration.ofSeconds(30))
					.lockRetryInterval(Duration.ofMillis(50))
					.build());
	}

	private String redisKey(String name) {
		return this.cache.prefix() + ":" + name;
	}

	// ---------------------------------------------------------------- durations

	/**
	 * Issue: extend(Long.MAX_VALUE seconds) and extend(NO_EXPIRY) deleted the lock,
	 * lock(NO_EXPIRY) made a lock that never expires, withLock(NO_EXPIRY) threw
	 * ArithmeticException after the command was sent. Now each is refused first.
	 */
	@Test
	void durationsRedisCannotHold_areRefusedBeforeAnythingIsSent() {
		DistributedLock lock = this.cache.lock("job", Duration.ofSeconds(10));
		assertThat(lock.tryAcquire()).isTrue();
		byte[] token = this.raw.opsForValue().get(redisKey("job"));
		assertThatIllegalArgumentException().isThrownBy(() -> lock.extend(Duration.ofSeconds(Long.MAX_VALUE)))
			.withMessageContaining("ttl");
		assertThatIllegalArgumentException().isThrownBy(() -> lock.extend(Cache.NO_EXPIRY))
			.withMessageContaining("ttl");
		assertThatIllegalArgumentException().isThrownBy(() -> lock.refreshLoop(Duration.ofSeconds(Long.MAX_VALUE)))
			.withMessageContaining("interval");
		assertThat(this.raw.opsForValue().get(redisKey("job"))).as("the lock is intact").isEqualTo(token);
		assertThat(CacheTestSupport.pttl(this.raw, redisKey("job"))).isBetween(1L, 10_000L);
		lock.release();

		assertThatIllegalArgumentException().isThrownBy(() -> this.cache.lock("forever", Cache.NO_EXPIRY))
			.withMessageContaining("ttl");
		AtomicBoolean ran = new AtomicBoolean();
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.cache.withLock("forever", Cache.NO_EXPIRY, () -> ran.set(true)))
			.withMessageContaining("ttl");
		assertThat(ran).isFalse();
		assertThat(this.cache.exists("forever")).isZero();

		// a wait too long for nanoTime arithmetic is just a very long wait
		DistributedLock patient = this.cache.lock("patient", Duration.ofSeconds(5));
		patient.acquire(Duration.ofSeconds(Long.MAX_VALUE));
		assertThat(patient.isHeld()).isTrue();
		patient.release();
	}

	// ---------------------------------------------------------------- lease keeping

	/**
	 * Issue: one synchronous refresher thread for every lock of the JVM; 10 000 locks
	 * with a 1 s lease were all reported lost within 6 s. Now extends are asynchronous: 5
	 * 000 locks with a 1 s lease stay held for 3 s.
	 */
	@Test
	void thousandsOfLeases_areAllKept() throws Exception {
		int count = 5000;
		List<DistributedLock> locks = new ArrayList<>();
		List<CompletableFuture<Void>> loops = new ArrayList<>();
		try {
			for (int i = 0; i < count; i++) {
				DistributedLock lock = this.cache.lock("many:" + i, Duration.ofMillis(1500));
				assertThat(lock.tryAcquire()).isTrue();
				locks.add(lock);
				loops.add(lock.refreshLoop(Duration.ofMillis(500)));
			}
			Thread.sleep(3000);
			assertThat(loops).as("no lease reported lost").allSatisfy((loop) -> assertThat(loop).isNotDone());
			String[] names = new String[count];
			for (int i = 0; i < count; i++) {
				names[i] = "many:" + i;
			}
			assertThat(this.cache.exists(names)).isEqualTo(count);
		}
		finally {
			locks.forEach(DistributedLock::close);
		}
		assertThat(loops).allSatisfy((loop) -> assertThat(loop).isCompleted().isNotCompletedExceptionally());
	}

	/**
	 * Issue: abandoned refresh loops kept their locks alive forever. Now a lock object
	 * that is no longer reachable stops being refreshed and its key expires.
	 */
	@Test
	void unreachableLocks_stopBeingRefreshed() throws Exception {
		int count = 2000;
		String[] names = new String[count];
		startAbandonedLoops(names);
		assertThat(this.cache.exists(names)).isEqualTo(count);
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
		while (this.cache.leasesKept() > 0 && System.nanoTime() < deadline) {
			System.gc();
			Thread.sleep(100);
		}
		assertThat(this.cache.leasesKept()).as("leases still kept").isZero();
		Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> this.cache.exists(names) == 0);
	}

	private void startAbandonedLoops(String[] names) {
		for (int i = 0; i < names.length; i++) {
			names[i] = "abandoned:" + i;
			DistributedLock lock = this.cache.lock(names[i], Duration.ofSeconds(2));
			assertThat(lock.tryAcquire()).isTrue();
			lock.refreshLoop(Duration.ofMillis(500));
		}
	}

	@Test
	void closingTheCache_endsItsLeasesWithLockNotHeld() {
		RedisCache own = instance();
		DistributedLock lock = own.lock("job", Duration.ofSeconds(10));
		assertThat(lock.tryAcquire()).isTrue();
		CompletableFuture<Void> loop = lock.refreshLoop(Duration.ofSeconds(1));
		own.close();
		assertThat(loop).isCompletedExceptionally();
		assertThatExceptionOfType(Exception.class).isThrownBy(loop::join)
			.withCauseInstanceOf(LockNotHeldException.class)
			.withMessageContaining("closed");
	}

	// ---------------------------------------------------------------- fencing

	@Test
	void fencingTokens_growAcrossHoldersAndInstances_andSurviveExpiryAndALostCounter() throws Exception {
		RedisCache a = instance();
		RedisCache b = instance();
		long last = 0;
		for (int i = 0; i < 10; i++) {
			RedisCache instance = (i % 2 == 0) ? a : b;
			try (DistributedLock lock = instance.lock("fenced", Duration.ofSeconds(5))) {
				lock.acquire(Duration.ofSeconds(5));
				long token = lock.fencingToken();
				assertThat(token).as("token of holder " + i).isGreaterThan(last);
				last = token;
			}
		}
		DistributedLock expiring = a.lock("fenced", Duration.ofMillis(50));
		assertThat(expiring.tryAcquire()).isTrue();
		long expired = expiring.fencingToken();
		Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> this.cache.exists("fenced") == 0);
		DistributedLock next = b.lock("fenced", Duration.ofSeconds(5));
		assertThat(next.tryAcquire()).isTrue();
		assertThat(next.fencingToken()).isGreaterThan(expired);
		assertThatExceptionOfType(LockNotHeldException.class).isThrownBy(expiring::fencingToken);
		long beforeLoss = next.fencingToken();
		next.release();
		assertThatExceptionOfType(LockNotHeldException.class).isThrownBy(next::fencingToken);

		// the counter deleted (a flush, a failover that lost the last write): tokens
		// still grow
		this.raw.delete(LockInternals.fenceKey(redisKey("fenced")));
		DistributedLock afterLoss = a.lock("fenced", Duration.ofSeconds(5));
		assertThat(afterLoss.tryAcquire()).isTrue();
		assertThat(afterLoss.fencingToken()).isGreaterThan(beforeLoss);
		afterLoss.release();
	}

	/**
	 * The fencing pattern: a holder paused past its lease (a GC pause, say) writes after
	 * the next holder; the resource rejects its stale token.
	 */
	@Test
	void fencing_aGuardedWriteRejectsAStaleToken() throws Exception {
		GuardedStore store = new GuardedStore();
		DistributedLock paused = this.cache.lock("report", Duration.ofMillis(100));
		assertThat(paused.tryAcquire()).isTrue();
		long staleToken = paused.fencingToken();
		// paused past its lease: the lock expires and another holder takes it
		Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> this.cache.exists("report") == 0);
		this.cache.withLock("report", Duration.ofSeconds(5), () -> {
			assertThat(store.write(HeldLocks.fencingToken("report"), "fresh")).isTrue();
		});
		assertThat(store.write(staleToken, "stale")).as("the stale holder's write is rejected").isFalse();
		assertThat(store.value).isEqualTo("fresh");
	}

	/**
	 * Issue 26: a fencing counter outlived its lock by 7 days, so 10 000 lock names left
	 * 10 000 keys for a week. Now nothing a lock writes outlives it by more than its
	 * lease: 100 released locks with a 2 s lease leave no key within a few seconds, and
	 * the next token is still larger than every token before.
	 */
	@Test
	void releasedLocks_leaveNoKeyAfterTheirLease_andTheNextTokenIsLarger() {
		long highest = 0;
		for (int i = 0; i < 100; i++) {
			try (DistributedLock lock = this.cache.lock("order:" + i, Duration.ofSeconds(2))) {
				assertThat(lock.tryAcquire()).isTrue();
				highest = Math.max(highest, lock.fencingToken());
			}
		}
		assertThat(this.cache.keys("*")).as("counters right after the release").isNotEmpty();
		Awaitility.await()
			.atMost(Duration.ofSeconds(6))
			.pollInterval(Duration.ofMillis(100))
			.until(() -> this.cache.keys("*").isEmpty());
		try (DistributedLock again = this.cache.lock("order:0", Duration.ofSeconds(2))) {
			assertThat(again.tryAcquire()).isTrue();
			assertThat(again.fencingToken()).isGreaterThan(highest);
		}
	}

	/**
	 * A lock held without a refresh loop: its lease runs out and {@code whenLost} says so
	 * (issue 26); {@code leaseRemaining} counts down without asking Redis.
	 */
	@Test
	void whenLost_aLeaseNoLoopKeeps_completesWhenItRunsOut() {
		DistributedLock lock = this.cache.lock("short", Duration.ofMillis(300));
		assertThat(lock.whenLost().toCompletableFuture()).as("not held: lost at once").isCompleted();
		assertThat(lock.tryAcquire()).isTrue();
		assertThat(lock.leaseRemaining()).isPositive().isLessThanOrEqualTo(Duration.ofMillis(300));
		CompletableFuture<LockNotHeldException> lost = lock.whenLost().toCompletableFuture();
		assertThat(lost).isNotDone();
		assertThat(lost.orTimeout(5, TimeUnit.SECONDS).join()).hasMessageContaining("'short'")
			.hasMessageContaining("ran out");
		assertThat(lock.leaseRemaining()).isZero();
	}

	/** A cancelled refresh loop keeps the lease no more: it runs out and is reported. */
	@Test
	void whenLost_afterTheRefreshLoopIsCancelled_completesWhenTheLeaseRunsOut() {
		DistributedLock lock = this.cache.lock("cancelled", Duration.ofMillis(300));
		assertThat(lock.tryAcquire()).isTrue();
		CompletableFuture<Void> loop = lock.refreshLoop(Duration.ofMillis(100));
		CompletableFuture<LockNotHeldException> lost = lock.whenLost().toCompletableFuture();
		loop.cancel(true);
		assertThat(lost.orTimeout(5, TimeUnit.SECONDS).join()).hasMessageContaining("ran out");
		assertThat(lock.leaseRemaining()).isZero();
	}

	/**
	 * The fencing pattern with reads: the campaign of issue 26 found lost updates in a
	 * read-modify-write where the stale holder read and wrote before the next holder
	 * wrote. A store that checks the token only on writes accepts the stale write; one
	 * that also checks (and records) it on reads rejects it.
	 */
	@Test
	void fencing_aStoreThatChecksTheTokenOnReadsToo_rejectsTheStaleReadModifyWrite() {
		FencedCounter writesOnly = new FencedCounter(false);
		FencedCounter readsAndWrites = new FencedCounter(true);
		for (FencedCounter store : List.of(writesOnly, readsAndWrites)) {
			DistributedLock paused = this.cache.lock("counter", Duration.ofMillis(100));
			assertThat(paused.tryAcquire()).isTrue();
			long stale = paused.fencingToken();
			long seen = store.read(stale);
			// paused past its lease: the next holder takes the lock and reads
			Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> this.cache.exists("counter") == 0);
			try (DistributedLock next = this.cache.lock("counter", Duration.ofSeconds(5))) {
				assertThat(next.tryAcquire()).isTrue();
				long token = next.fencingToken();
				long value = store.read(token);
				// the stale holder wakes up and writes what it computed
				store.write(stale, seen + 1);
				store.write(token, value + 1);
			}
		}
		assertThat(writesOnly.value).as("checked on writes only: one update lost").isEqualTo(1);
		assertThat(writesOnly.rejected).isZero();
		assertThat(readsAndWrites.value).as("checked on reads too: the stale write is refused").isEqualTo(1);
		assertThat(readsAndWrites.rejected).isEqualTo(1);
	}

	/**
	 * A counter outside Redis guarded by fencing tokens: a token below the highest seen
	 * is refused, on writes and (if so built) on reads, which also raise the highest.
	 */
	static final class FencedCounter {

		private final boolean checkReads;

		private long highestToken;

		long value;

		int rejected;

		FencedCounter(boolean checkReads) {
			this.checkReads = checkReads;
		}

		synchronized long read(long token) {
			if (this.checkReads) {
				if (token < this.highestToken) {
					this.rejected++;
					throw new IllegalStateException("stale token " + token);
				}
				this.highestToken = token;
			}
			return this.value;
		}

		synchronized boolean write(long token, long newValue) {
			if (token < this.highestToken) {
				this.rejected++;
				return false;
			}
			this.highestToken = token;
			this.value = newValue;
			return true;
		}

	}

	/** A resource that accepts a write only with a token at least the highest seen. */
	static final class GuardedStore {

		private long highestToken;

		private String value;

		synchronized boolean write(long token, String newValue) {
			if (token < this.highestToken) {
				return false;
			}
			this.highestToken = token;
			this.value = newValue;
			return true;
		}

	}

	@Test
	void goStyleLock_andThisLock_excludeEachOther() {
		// the Go package: SET key token NX PX, no fencing counter
		assertThat(this.raw.opsForValue()
			.setIfAbsent(redisKey("shared"), "go-token".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(10)))
			.isTrue();
		DistributedLock lock = this.cache.lock("shared", Duration.ofSeconds(10));
		assertThat(lock.tryAcquire()).isFalse();
		this.raw.delete(redisKey("shared"));
		assertThat(lock.tryAcquire()).isTrue();
		assertThat(this.raw.opsForValue()
			.setIfAbsent(redisKey("shared"), "go-token".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(10)))
			.isFalse();
		lock.release();
	}

	// ---------------------------------------------------------------- reentrancy

	@Test
	void nestedWithLock_sameName_runsAtOnce_oneLease_releasedByOutermost() throws Exception {
		AtomicLong outerToken = new AtomicLong();
		AtomicBoolean otherThreadGotIt = new AtomicBoolean();
		String result = this.cache.withLock("nested", Duration.ofSeconds(5), () -> {
			outerToken.set(HeldLocks.fencingToken("nested"));
			// a nested call with no wait: it would fail at once if it had to acquire
			String inner = this.cache.withLock("nested", Duration.ofSeconds(5), Duration.ZERO, () -> {
				assertThat(HeldLocks.fencingToken("nested")).isEqualTo(outerToken.get());
				assertThat(this.cache.leasesKept()).as("one lease for both levels").isEqualTo(1);
				return "inner";
			});
			assertThat(this.cache.exists("nested")).as("still held after the inner call").isEqualTo(1);
			// another thread of the same process is another owner: it waits
			CompletableFuture.runAsync(() -> {
				try {
					this.cache.withLock("nested", Duration.ofSeconds(5), Duration.ofMillis(100), () -> {
						otherThreadGotIt.set(true);
						return null;
					});
				}
				catch (LockNotAcquiredException ex) {
					// expected
				}
			}).get(10, TimeUnit.SECONDS);
			return inner;
		});
		assertThat(result).isEqualTo("inner");
		assertThat(otherThreadGotIt).isFalse();
		assertThat(this.cache.exists("nested")).isZero();
		assertThat(HeldLocks.current("nested")).isEmpty();
	}

	/** 16 threads x 2 instances x 200 increments under the lock: no lost update. */
	@Test
	void twoInstancesSixteenThreadsEach_loseNoUpdate() throws Exception {
		int threadsPerInstance = 16;
		int rounds = 200;
		RedisCache[] instances = { instance(), instance() };
		this.cache.set("counter", "0");
		ExecutorService pool = Executors.newFixedThreadPool(threadsPerInstance * 2);
		AtomicInteger inside = new AtomicInteger();
		AtomicInteger maxInside = new AtomicInteger();
		try {
			List<Future<?>> futures = new ArrayList<>();
			for (int t = 0; t < threadsPerInstance * 2; t++) {
				RedisCache instance = instances[t % 2];
				futures.add(pool.submit(() -> {
					for (int r = 0; r < rounds; r++) {
						instance.withLock("counter-lock", Duration.ofSeconds(10), () -> {
							maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
							long value = Long.parseLong(instance.get("counter", String.class).orElseThrow());
							instance.set("counter", String.valueOf(value + 1));
							inside.decrementAndGet();
						});
					}
					return null;
				}));
			}
			for (Future<?> future : futures) {
				future.get(180, TimeUnit.SECONDS);
			}
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(this.cache.get("counter", String.class)).contains(String.valueOf(threadsPerInstance * 2 * rounds));
		assertThat(maxInside).hasValue(1);
	}

}
