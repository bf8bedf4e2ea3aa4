package io.github.saasframework.cache.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.saasframework.cache.testsupport.RedisServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.data.redis.connection.RedisConnection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 22: {@code app.cache.caches.<name>.refresh-after} on a plain {@code @Cacheable}
 * method (no {@code sync}), which used to be ignored. Two application contexts share the
 * test server as two instances of one service would: a stale hit answers at once in both,
 * and the method runs once in the background to reload it, across both.
 */
@ExtendWith(RedisServerExtension.class)
class CacheableRefreshAheadIntegrationTests {

	static final String PREFIX = "refresh-it";

	static final AtomicInteger loads = new AtomicInteger();

	static volatile CountDownLatch release = new CountDownLatch(0);

	private ConfigurableApplicationContext first;

	private ConfigurableApplicationContext second;

	@BeforeEach
	void start() {
		TestRedis.flush(PREFIX);
		loads.set(0);
		this.first = context();
		this.second = context();
	}

	@AfterEach
	void stop() {
		release.countDown();
		this.first.close();
		this.second.close();
		TestRedis.flush(PREFIX);
	}

	private static ConfigurableApplicationContext context() {
		return new SpringApplicationBuilder(TestApplication.class).web(WebApplicationType.NONE)
			.properties("app.cache.key-prefix=" + PREFIX, "app.cache.caches.rates.ttl=10m",
					"app.cache.caches.rates.refresh-after=1m")
			.run();
	}

	@Test
	void staleHit_answersAtOnce_andOneReloadRunsAcrossBothInstances() throws Exception {
		Rates one = this.first.getBean(Rates.class);
		Rates two = this.second.getBean(Rates.class);
		assertThat(one.rate("eur")).isEqualTo("eur-1");
		assertThat(two.rate("eur")).isEqualTo("eur-1");
		assertThat(loads).hasValue(1);
		makeStale(PREFIX + ":rates:eur");
		release = new CountDownLatch(1);
		// the reload waits for the latch: a caller that waited for it would not answer
		assertThat(CompletableFuture.supplyAsync(() -> one.rate("eur")).get(10, TimeUnit.SECONDS)).isEqualTo("eur-1");
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(loads).hasValue(2));
		assertThat(CompletableFuture.supplyAsync(() -> two.rate("eur")).get(10, TimeUnit.SECONDS))
			.as("the other instance answers the stale value too, and does not reload it")
			.isEqualTo("eur-1");
		// time for the other instance's reload attempt, which finds the load lease taken
		Thread.sleep(300);
		release.countDown();
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(raw(PREFIX + ":rates:eur")).isEqualTo("eur-2"));
		assertThat(one.rate("eur")).isEqualTo("eur-2");
		assertThat(two.rate("eur")).isEqualTo("eur-2");
		assertThat(loads).as("one reload across both instances").hasValue(2);
		assertThat(pttl(PREFIX + ":rates:eur")).as("a fresh TTL").isGreaterThan(Duration.ofMinutes(9).toMillis());
	}

	/** An entry with 30 s left of its 10 min TTL looks 9.5 minutes old: stale. */
	private static void makeStale(String key) {
		try (RedisConnection connection = RedisServerExtension.connectionFactory().getConnection()) {
			connection.keyCommands().pExpire(key.getBytes(StandardCharsets.UTF_8), 30_000);
		}
	}

	private static long pttl(String key) {
		try (RedisConnection connection = RedisServerExtension.connectionFactory().getConnection()) {
			Long pttl = connection.keyCommands().pTtl(key.getBytes(StandardCharsets.UTF_8));
			return (pttl != null) ? pttl : -2;
		}
	}

	private static String raw(String key) {
		byte[] bytes = TestRedis.raw(key);
		return (bytes != null) ? new String(bytes, StandardCharsets.UTF_8) : null;
	}

	static class Rates {

		@Cacheable("rates")
		public String rate(String currency) {
			int load = loads.incrementAndGet();
			try {
				release.await(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
			return currency + "-" + load;
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@EnableCaching
	@Import(Rates.class)
	static class TestApplication {

		@Bean
		DataRedisConnectionDetails redisConnectionDetails() {
			return TestRedis.connectionDetails();
		}

	}

}
