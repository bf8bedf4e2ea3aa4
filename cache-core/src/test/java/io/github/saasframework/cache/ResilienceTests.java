package io.github.saasframework.cache;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import io.github.saasframework.cache.lock.DistributedLock;
import io.github.saasframework.cache.lock.LockNotHeldException;
import io.github.saasframework.cache.serializer.CacheSerializationException;
import io.github.saasframework.cache.testsupport.RedisServerExtension;
import io.github.saasframework.cache.testsupport.RedisServerProcess;
import io.github.saasframework.cache.testsupport.RedisTemplates;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Fail-open, outage and recovery, null caching and TTL jitter, each on a
 * {@code redis-server} of the test's own that the test stops and starts again on the same
 * port.
 */
class ResilienceTests {

	private static final Duration COMMAND_TIMEOUT = Duration.ofMillis(500);

	private RedisServerProcess server;

	private LettuceConnectionFactory factory;

	private final CountingRecorder recorder = new CountingRecorder();

	@BeforeEach
	void start() {
		this.server = RedisServerProcess.start();
		this.factory = RedisServerExtension.connectionFactory(this.server, COMMAND_TIMEOUT);
	}

	@AfterEach
	void stop() {
		this.factory.destroy();
		this.server.stop();
	}

	private RedisCache cache(CacheConfig.Builder options) {
		RedisTemplate<String, byte[]> template = RedisTemplates.bytes(this.factory);
		return RedisCache.create(template, options.keyPrefix("res").metricsRecorder(this.recorder).build());
	}

	@Test
	void failOpen_redisDown_rememberAnswersFromLoader_directCallsThrowPromptly() {
		RedisCache cache = cache(CacheConfig.builder().failOpen(true));
		cache.set("warm", "cached");
		this.server.stop();

		AtomicInteger loads = new AtomicInteger();
		for (int i = 0; i < 3; i++) {
			assertThat(
					cache.remember("warm", Duration.ZERO, String.class, () -> "from-loader-" + loads.incrementAndGet()))
				.startsWith("from-loader-");
		}
		assertThat(loads).hasValue(3);
		assertThat(this.recorder.failOpen).hasValueGreaterThanOrEqualTo(3);

		assertThatExceptionOfType(DataAccessException.class).isThrownBy(() -> cache.get("warm", String.class));
		assertThatExceptionOfType(DataAccessException.class).isThrownBy(() -> cache.set("k", "v"));
		assertThatExceptionOfType(DataAccessException.class)
			.isThrownBy(() -> cache.lock("l", Duration.ofSeconds(1)).tryAcquire());
	}

	@Test
	void failOpenDisabled_redisDown_rememberThrowsDataAccessException() {
		RedisCache cache = cache(CacheConfig.builder().failOpen(false));
		this.server.stop();
		AtomicInteger loads = new AtomicInteger();
		assertThatExceptionOfType(DataAccessException.class)
			.isThrownBy(() -> cache.remember("k", Duration.ZERO, String.class, () -> "v" + loads.incrementAndGet()));
		assertThat(loads).hasValue(0);
	}

	@Test
	void outage_callsFailWithinTimeout_failOpenKeepsAnswering_andAllRecoversAfterRestart() throws Exception {
		RedisCache cache = cache(CacheConfig.builder().failOpen(true));
		cache.set("k", "before");
		DistributedLock lock = cache.lock("lock", Duration.ofSeconds(2));
		lock.tryAcquire();
		CompletableFuture<Void> refresh = lock.refreshLoop(Duration.ofMillis(100));

		this.server.stop();
		List<Long> directCallMillis = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			long start = System.nanoTime();
			assertThatExceptionOfType(DataAccessException.class).isThrownBy(() -> cache.get("k", String.class));
			directCallMillis.add((System.nanoTime() - start) / 1_000_000);
			assertThat(cache.remember("r", Duration.ZERO, String.class, () -> "answered")).isEqualTo("answered");
		}
		// a correctness bound, not a speed claim: no call may hang past the command
		// timeout
		assertThat(directCallMillis)
			.allSatisfy((millis) -> assertThat(millis).isLessThan(COMMAND_TIMEOUT.toMillis() + 1500));
		Awaitility.await().atMost(Duration.ofSeconds(10)).until(refresh::isDone);
		assertThat(refresh).isCompletedExceptionally();

		this.server.restart();
		Awaitility.await()
			.atMost(Duration.ofSeconds(30))
			.ignoreExceptions()
			.until(() -> cache.get("k", String.class).isEmpty());
		cache.set("k", "after");
		assertThat(cache.get("k", String.class)).contains("after");
		assertThat(lock.isHeld()).as("a lock that Redis lost is reported lost").isFalse();
		assertThatExceptionOfType(LockNotHeldException.class).isThrownBy(lock::release);
		assertThat(cache.remember("r", Duration.ZERO, String.class, () -> "stored")).isEqualTo("stored");
		assertThat(cache.get("r", String.class)).contains("stored");
	}

	@Test
	void cacheNulls_nullResultIsRememberedBriefly_andNeverLeaks() {
		RedisCache cache = cache(CacheConfig.builder().cacheNulls(true).nullTtl(Duration.ofSeconds(20)));
		AtomicInteger loads = new AtomicInteger();
		for (int i = 0; i < 3; i++) {
			assertThat(cache.remember("missing-row", Duration.ofMinutes(5), Person.class, () -> {
				loads.incrementAndGet();
				return null;
			})).isNull();
		}
		assertThat(loads).hasValue(1);
		assertThat(cache.getTtl("missing-row"))
			.hasValueSatisfying((ttl) -> assertThat(ttl).isLessThanOrEqualTo(Duration.ofSeconds(20)));
		assertThat(cache.get("missing-row", Person.class)).isEmpty();
		assertThat(cache.get("missing-row", String.class)).isEmpty();
		assertThat(cache.getAll(List.of("missing-row"), String.class)).isEmpty();
		byte[] marker = RedisTemplates.bytes(this.factory).opsForValue().get("res:missing-row");
		assertThat(marker).isNotNull();
		assertThatExceptionOfType(CacheSerializationException.class).isThrownBy(() -> cache.set("other", marker));
		assertThatExceptionOfType(CacheSerializationException.class)
			.isThrownBy(() -> cache.set("other", new String(marker, StandardCharsets.UTF_8)));
	}

	@Test
	void cacheNullsDisabled_nullResultIsLoadedEveryTime() {
		RedisCache cache = cache(CacheConfig.builder());
		AtomicInteger loads = new AtomicInteger();
		for (int i = 0; i < 3; i++) {
			cache.remember("missing-row", Duration.ZERO, String.class, () -> {
				loads.incrementAndGet();
				return null;
			});
		}
		assertThat(loads).hasValue(3);
		assertThat(cache.exists("missing-row")).isZero();
	}

	@Test
	void ttlJitter_spreadsEntryTtlsBelowTheGivenTtl_butNeverLocks() {
		RedisCache cache = cache(CacheConfig.builder().ttlJitter(0.5));
		java.util.Map<String, Object> items = new java.util.HashMap<>();
		IntStream.range(0, 50).forEach((i) -> items.put("batch:" + i, "v"));
		cache.setAll(items, Duration.ofSeconds(100));
		IntStream.range(0, 50).forEach((i) -> cache.set("single:" + i, "v", Duration.ofSeconds(100)));
		IntStream.range(0, 50)
			.forEach((i) -> cache.remember("remembered:" + i, Duration.ofSeconds(100), String.class, () -> "v"));
		for (String group : List.of("batch:", "single:", "remembered:")) {
			List<Long> ttls = IntStream.range(0, 50)
				.mapToObj((i) -> cache.getTtl(group + i).orElseThrow().toMillis())
				.toList();
			assertThat(ttls).allSatisfy((ttl) -> assertThat(ttl).isBetween(49_000L, 100_000L));
			assertThat(ttls.stream().distinct().count()).as(group + " TTLs are spread").isGreaterThan(25);
		}
		try (DistributedLock lock = cache.lock("lock", Duration.ofSeconds(100))) {
			lock.tryAcquire();
			assertThat(cache.getTtl("lock"))
				.hasValueSatisfying((ttl) -> assertThat(ttl).isGreaterThan(Duration.ofSeconds(99)));
		}
		assertThatIllegalArgumentException().isThrownBy(() -> CacheConfig.builder().ttlJitter(1.0));
		assertThatIllegalArgumentException().isThrownBy(() -> CacheConfig.builder().ttlJitter(-0.1));
	}

	private static final class CountingRecorder implements CacheMetricsRecorder {

		final AtomicInteger failOpen = new AtomicInteger();

		@Override
		public void recordFailOpen(String prefix, Throwable failure) {
			this.failOpen.incrementAndGet();
		}

	}

}
