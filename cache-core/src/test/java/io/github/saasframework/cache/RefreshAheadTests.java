package io.github.saasframework.cache;

import io.github.saasframework.cache.internal.remember.RefreshAhead;
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
import java.util.concurrent.atomic.AtomicInteger;

import io.github.saasframework.cache.testsupport.RedisServerExtension;
import io.github.saasframework.cache.testsupport.RedisServerProcess;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Refresh-ahead of {@code remember} ({@link RememberPolicy#refreshAfter(Duration)}) on a
 * real server. An entry is made stale without waiting by shortening its remaining TTL
 * with {@code PEXPIRE}: its age is read from that TTL.
 */
@ExtendWith(RedisServerExtension.class)
class RefreshAheadTests {

	private static final Duration TTL = Duration.ofSeconds(60);

	private static final RememberPolicy POLICY = RememberPolicy.ttl(TTL).refreshAfter(Duration.ofSeconds(30));

	private final RedisTemplate<String, byte[]> raw = CacheTestSupport.rawTemplate();

	private final Events events = new Events();

	private String prefix;

	private RedisCache cache;

	private final List<AutoCloseable> closeLater = new ArrayList<>();

	@BeforeEach
	void setUp() {
		this.prefix = CacheTestSupport.uniquePrefix("refresh");
		this.cache = cache(RedisServerExtension.connectionFactory(), CacheConfig.builder());
	}

	@AfterEach
	void tearDown() throws Exception {
		this.cache.close();
		for (AutoCloseable closeable : this.closeLater) {
			closeable.close();
		}
		CacheTestSupport.clean(this.cache);
	}

	@Test
	void remember_staleHit_answersStoredValueWhileReloadRunsThenFreshValueAppears() throws Exception {
		seedStale("hot", "v1");
		CountDownLatch started = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		AtomicInteger finished = new AtomicInteger();
		// the reload cannot end before the test releases it: had the reader waited for
		// it, the call would not return
		String answer = CompletableFuture.supplyAsync(() -> this.cache.remember("hot", POLICY, String.class, () -> {
			started.countDown();
			release.await(5, TimeUnit.SECONDS);
			finished.incrementAndGet();
			return "v2";
		})).get(5, TimeUnit.SECONDS);

		assertThat(answer).isEqualTo("v1");
		assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
		assertThat(finished).hasValue(0);
		// other readers get the old value at once while the reload runs
		assertThat(this.cache.remember("hot", POLICY, String.class, () -> "never")).isEqualTo("v1");
		release.countDown();
		Awaitility.await()
			.atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(this.cache.get("hot", String.class)).contains("v2"));
		assertThat(pttl("hot")).isGreaterThan(TTL.minusSeconds(5).toMillis());
		assertThat(finished).hasValue(1);
	}

	@Test
	void remember_twoCachesTimes20Threads_staleKey_reloadOnceInTotal(RedisServerProcess server) throws Exception {
		LettuceConnectionFactory otherFactory = RedisServerExtension.connectionFactory(server, Duration.ofSeconds(5));
		this.closeLater.add(otherFactory::destroy);
		RedisCache other = cache(otherFactory, CacheConfig.builder());
		this.closeLater.add(0, other);
		seedStale("hot", "v1");
		AtomicInteger reloads = new AtomicInteger();
		CountDownLatch go = new CountDownLatch(1);
		ExecutorService callers = Executors.newFixedThreadPool(40);
		try {
			List<Future<String>> answers = new ArrayList<>();
			for (int i = 0; i < 40; i++) {
				RedisCache caller = (i % 2 == 0) ? this.cache : other;
				answers.add(callers.submit(() -> {
					go.await(5, TimeUnit.SECONDS);
					return caller.remember("hot", POLICY, String.class, () -> {
						reloads.incrementAndGet();
						// long enough for every caller to hit the stale entry meanwhile
						Thread.sleep(300);
						return "v2";
					});
				}));
			}
			go.countDown();
			for (Future<String> answer : answers) {
				assertThat(answer.get(10, TimeUnit.SECONDS)).isIn("v1", "v2");
			}
		}
		finally {
			callers.shutdownNow();
		}
		Awaitility.await()
			.atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(this.cache.get("hot", String.class)).contains("v2"));
		// closing waits for reloads still queued, so any second one would have run
		this.cache.close();
		other.close();
		assertThat(reloads).hasValue(1);
	}

	@Test
	void remember_failingReload_keepsOldValueAndRetriesAfterBackoff() {
		seedStale("hot", "v1");
		long ttlBefore = pttl("hot");
		AtomicInteger attempts = new AtomicInteger();
		for (int i = 0; i < 20; i++) {
			assertThat(this.cache.remember("hot", POLICY, String.class, () -> {
				attempts.incrementAndGet();
				throw new IllegalStateException("backend down");
			})).isEqualTo("v1");
		}
		Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> this.events.failed.get() == 1);
		// more stale hits inside the back-off do not call the failing loader again
		for (int i = 0; i < 20; i++) {
			assertThat(this.cache.remember("hot", POLICY, String.class, () -> {
				attempts.incrementAndGet();
				throw new IllegalStateException("backend down");
			})).isEqualTo("v1");
		}
		assertThat(attempts).hasValue(1);
		assertThat(this.cache.get("hot", String.class)).contains("v1");
		assertThat(pttl("hot")).isBetween(1L, ttlBefore);
		// after the back-off a stale hit tries again
		Awaitility.await()
			.atMost(Duration.ofSeconds(5))
			.pollInterval(Duration.ofMillis(100))
			.untilAsserted(
					() -> assertThat(this.cache.remember("hot", POLICY, String.class, () -> "v2")).isEqualTo("v2"));
		assertThat(this.events.started.get()).isEqualTo(2);
		assertThat(this.events.succeeded.get()).isEqualTo(1);
	}

	@Test
	void remember_withoutRefreshAfter_neverReloads() {
		RememberPolicy plain = RememberPolicy.ttl(TTL);
		assertThat(this.cache.remember("hot", plain, String.class, () -> "v1")).isEqualTo("v1");
		expire("hot", 1000);
		AtomicInteger loads = new AtomicInteger();
		for (int i = 0; i < 20; i++) {
			assertThat(this.cache.remember("hot", plain, String.class, () -> {
				loads.incrementAndGet();
				return "v2";
			})).isEqualTo("v1");
		}
		this.cache.close();
		assertThat(loads).hasValue(0);
		assertThat(this.events.started.get()).isZero();
		assertThat(pttl("hot")).isLessThanOrEqualTo(1000);
	}

	/**
	 * A hit is one command: {@code GET} without {@code refreshAfter} (unchanged by this
	 * feature), one {@code EVALSHA} of the value-and-TTL script with it. Counted on a
	 * server of this test's own.
	 */
	@Test
	void remember_hit_isOneGetWithoutRefreshAfterAndOneEvalshaWithIt() {
		try (RedisServerProcess own = RedisServerProcess.start()) {
			LettuceConnectionFactory factory = RedisServerExtension.connectionFactory(own, Duration.ofSeconds(5));
			try (RedisCache counted = cache(factory, CacheConfig.builder())) {
				RememberPolicy plain = RememberPolicy.ttl(TTL);
				counted.remember("plain", plain, String.class, () -> "v");
				counted.remember("refreshed", POLICY, String.class, () -> "v");
				counted.remember("refreshed", POLICY, String.class, () -> "v");
				own.command("CONFIG", "RESETSTAT");
				for (int i = 0; i < 10; i++) {
					assertThat(counted.remember("plain", plain, String.class, () -> "never")).isEqualTo("v");
				}
				assertThat(calls(own, "get")).isEqualTo(10);
				assertThat(calls(own, "evalsha")).isZero();
				own.command("CONFIG", "RESETSTAT");
				for (int i = 0; i < 10; i++) {
					assertThat(counted.remember("refreshed", POLICY, String.class, () -> "never")).isEqualTo("v");
				}
				// commandstats also counts the commands a script runs: one GET and one
				// PTTL
				// inside each EVALSHA, none of the client's own
				assertThat(calls(own, "evalsha")).isEqualTo(10);
				assertThat(calls(own, "get")).isEqualTo(10);
				assertThat(calls(own, "pttl")).isEqualTo(10);
			}
			finally {
				factory.destroy();
			}
		}
	}

	@Test
	void remember_freshHit_doesNotReload() {
		seed("hot", "v1");
		expire("hot", TTL.minusSeconds(29).toMillis());
		AtomicInteger loads = new AtomicInteger();
		for (int i = 0; i < 20; i++) {
			assertThat(this.cache.remember("hot", POLICY, String.class, () -> {
				loads.incrementAndGet();
				return "v2";
			})).isEqualTo("v1");
		}
		this.cache.close();
		assertThat(loads).hasValue(0);
	}

	@Test
	void remember_reloadStoresNullWithoutNullCaching_deletesOldEntry() {
		seedStale("hot", "v1");
		assertThat(this.cache.remember("hot", POLICY, String.class, () -> null)).isEqualTo("v1");
		Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> this.cache.exists("hot") == 0);
		assertThat(this.events.succeeded.get()).isEqualTo(1);
	}

	@Test
	void remember_fullReloadPool_skipsReloadAndNeverBlocksReader() throws Exception {
		int keys = RefreshAhead.THREADS + RefreshAhead.QUEUE + 1;
		for (int i = 0; i < keys; i++) {
			seedStale("k" + i, "v1");
		}
		CountDownLatch release = new CountDownLatch(1);
		try {
			for (int i = 0; i < keys; i++) {
				assertThat(this.cache.remember("k" + i, POLICY, String.class, () -> {
					release.await(5, TimeUnit.SECONDS);
					return "v2";
				})).isEqualTo("v1");
			}
			assertThat(this.events.skipped.get()).isEqualTo(1);
		}
		finally {
			release.countDown();
		}
	}

	@Test
	void remember_jitter_neverCutsMoreThanHalfOfRefreshAfter() {
		RedisCache jittered = cache(RedisServerExtension.connectionFactory(), CacheConfig.builder().ttlJitter(0.9));
		this.closeLater.add(jittered);
		RememberPolicy policy = RememberPolicy.ttl(TTL).refreshAfter(Duration.ofSeconds(10));
		for (int i = 0; i < 20; i++) {
			jittered.remember("k" + i, policy, String.class, () -> "v");
			assertThat(pttl("k" + i)).isGreaterThan(TTL.minusSeconds(5).minusMillis(500).toMillis());
		}
	}

	@Test
	void remember_refreshAfterNotShorterThanTtl_throwsBeforeRedis() {
		RememberPolicy policy = RememberPolicy.ttl(Duration.ofSeconds(30)).refreshAfter(Duration.ofSeconds(30));
		assertThatIllegalArgumentException().isThrownBy(() -> this.cache.remember("k", policy, String.class, () -> "v"))
			.withMessage("refreshAfter must be shorter than the TTL: PT30S is not shorter than PT30S");
		assertThat(this.cache.exists("k")).isZero();
	}

	@Test
	void remember_refreshAfterOnDefaultTtl_checkedAgainstDefault() {
		// the test cache's default TTL is CacheConfig's default of one hour
		RememberPolicy policy = RememberPolicy.defaultTtl().refreshAfter(Duration.ofHours(1));
		assertThatIllegalArgumentException().isThrownBy(() -> this.cache.remember("k", policy, String.class, () -> "v"))
			.withMessageContaining("refreshAfter must be shorter than the TTL");
		assertThat(this.cache.remember("k", RememberPolicy.defaultTtl().refreshAfter(Duration.ofMinutes(59)),
				String.class, () -> "v"))
			.isEqualTo("v");
	}

	@Test
	void remember_refreshAfterWithoutExpiry_throwsBeforeRedis() {
		RememberPolicy policy = RememberPolicy.forever().refreshAfter(Duration.ofSeconds(30));
		assertThatIllegalArgumentException().isThrownBy(() -> this.cache.remember("k", policy, String.class, () -> "v"))
			.withMessageStartingWith("refreshAfter needs a TTL");
		assertThat(this.cache.exists("k")).isZero();
	}

	@Test
	void refreshAfter_negative_throws() {
		assertThatIllegalArgumentException().isThrownBy(() -> POLICY.refreshAfter(Duration.ofSeconds(-1)))
			.withMessage("refreshAfter must not be negative: PT-1S");
		assertThat(POLICY.refreshAfter(Duration.ZERO).refreshAfter()).isZero();
	}

	/** Calls of one command since the last {@code CONFIG RESETSTAT}. */
	private static long calls(RedisServerProcess server, String command) {
		for (String line : server.command("INFO", "commandstats").split("\r\n")) {
			if (line.startsWith("cmdstat_" + command + ":calls=")) {
				String calls = line.substring(line.indexOf("calls=") + 6);
				return Long.parseLong(calls.substring(0, calls.indexOf(',')));
			}
		}
		return 0;
	}

	private RedisCache cache(LettuceConnectionFactory factory, CacheConfig.Builder options) {
		return RedisCache.create(factory, options.keyPrefix(this.prefix).metricsRecorder(this.events).build());
	}

	private void seed(String key, String value) {
		assertThat(this.cache.remember(key, POLICY, String.class, () -> value)).isEqualTo(value);
	}

	/** Stores a value that looks 40 s old: 20 s of its 60 s TTL left. */
	private void seedStale(String key, String value) {
		seed(key, value);
		expire(key, 20_000);
	}

	private void expire(String key, long millis) {
		this.raw.execute((RedisConnection c) -> c.keyCommands().pExpire(redisKey(key), millis), true);
	}

	private long pttl(String key) {
		return CacheTestSupport.pttl(this.raw, this.prefix + ":" + key);
	}

	private byte[] redisKey(String key) {
		return (this.prefix + ":" + key).getBytes(StandardCharsets.UTF_8);
	}

	private static final class Events implements CacheMetricsRecorder {

		final AtomicInteger started = new AtomicInteger();

		final AtomicInteger succeeded = new AtomicInteger();

		final AtomicInteger failed = new AtomicInteger();

		final AtomicInteger skipped = new AtomicInteger();

		@Override
		public void recordRefreshStarted(String prefix) {
			this.started.incrementAndGet();
		}

		@Override
		public void recordRefreshResult(String prefix, boolean success) {
			(success ? this.succeeded : this.failed).incrementAndGet();
		}

		@Override
		public void recordRefreshSkipped(String prefix) {
			this.skipped.incrementAndGet();
		}

	}

}
