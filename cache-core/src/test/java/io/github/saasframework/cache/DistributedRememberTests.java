package io.github.saasframework.cache;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.saasframework.cache.testsupport.RedisServerExtension;
import io.github.saasframework.cache.testsupport.RedisServerProcess;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.data.redis.core.RedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cluster-wide single-flight of {@code remember}: across processes one loader runs per
 * cold key, a dead loader's lease expires and another process takes over, and a waiter
 * never waits past its bound.
 */
@ExtendWith(RedisServerExtension.class)
class DistributedRememberTests {

	private final RedisTemplate<String, byte[]> raw = CacheTestSupport.rawTemplate();

	private RedisCache cache;

	@BeforeEach
	void setUp() {
		this.cache = CacheTestSupport.cache(CacheTestSupport.uniquePrefix("stampede"));
	}

	@AfterEach
	void tearDown() {
		CacheTestSupport.clean(this.cache);
	}

	@Test
	void remember_twoJvmsTimes50Threads_loadOnceInTotal(RedisServerProcess server) throws Exception {
		String javaBin = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
		Process other = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"),
				StampedeWorker.class.getName(), String.valueOf(server.port()), this.cache.prefix(), "hot", "50")
			.redirectErrorStream(true)
			.start();
		try {
			// give the other JVM time to start and poll for the go signal, then start
			// both
			CompletableFuture<List<String>> here = CompletableFuture
				.supplyAsync(() -> call(() -> StampedeWorker.run(this.cache, "hot", 50)));
			// both JVMs must be polling for "go" before it is given, or they would not
			// overlap
			Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> this.cache.exists("ready") == 1);
			assertThat(other.isAlive()).isTrue();
			this.cache.set("go", "1");
			assertThat(here.get(60, TimeUnit.SECONDS)).hasSize(50).containsOnly("loaded-once");
			assertThat(other.waitFor(60, TimeUnit.SECONDS)).isTrue();
			String output = new String(other.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			assertThat(other.exitValue()).as(output).isZero();
			assertThat(output).contains("results=50 distinct=1");
		}
		finally {
			other.destroyForcibly();
		}
		assertThat(this.cache.get("loads", String.class)).as("loader runs across both JVMs").contains("1");
	}

	@Test
	void remember_leaseOfDeadLoaderExpires_anotherProcessTakesOver() {
		// a process that took the lease and died: the lease outlives it by its PX only
		this.raw.opsForValue()
			.set(this.cache.prefix() + ":orphan.lease", "dead-process".getBytes(StandardCharsets.UTF_8),
					Duration.ofMillis(300));
		AtomicInteger loads = new AtomicInteger();
		String value = this.cache.remember("orphan", Duration.ofMinutes(1), String.class, () -> {
			loads.incrementAndGet();
			return "taken-over";
		});
		assertThat(value).isEqualTo("taken-over");
		assertThat(loads).hasValue(1);
		assertThat(this.raw.hasKey(this.cache.prefix() + ":orphan.lease")).isFalse();
	}

	@Test
	void remember_leaseHeldPastWaitBound_callerLoadsItself() {
		RedisCache impatient = RedisCache.create(RedisServerExtension.connectionFactory(),
				CacheConfig.builder().keyPrefix(this.cache.prefix()).loadWait(Duration.ofMillis(200)).build());
		this.raw.opsForValue()
			.set(this.cache.prefix() + ":slow.lease", "stuck-process".getBytes(StandardCharsets.UTF_8),
					Duration.ofMinutes(5));
		String value = impatient.remember("slow", Duration.ofMinutes(1), String.class, () -> "loaded-by-waiter");
		assertThat(value).isEqualTo("loaded-by-waiter");
		assertThat(impatient.get("slow", String.class)).contains("loaded-by-waiter");
	}

	@Test
	void remember_valueStoredWhileWaiting_isReadNotLoaded() throws Exception {
		this.raw.opsForValue()
			.set(this.cache.prefix() + ":shared.lease", "other-process".getBytes(StandardCharsets.UTF_8),
					Duration.ofSeconds(30));
		AtomicInteger loads = new AtomicInteger();
		CompletableFuture<String> waiter = CompletableFuture.supplyAsync(() -> this.cache.remember("shared",
				Duration.ofMinutes(1), String.class, () -> "loaded-here-" + loads.incrementAndGet()));
		Thread.sleep(100);
		// the other process finishes: it stores the value and drops its lease
		this.cache.set("shared", "from-other-process");
		this.raw.delete(this.cache.prefix() + ":shared.lease");
		assertThat(waiter.get(10, TimeUnit.SECONDS)).isEqualTo("from-other-process");
		assertThat(loads).hasValue(0);
	}

	private static <T> T call(java.util.concurrent.Callable<T> callable) {
		try {
			return callable.call();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

}
