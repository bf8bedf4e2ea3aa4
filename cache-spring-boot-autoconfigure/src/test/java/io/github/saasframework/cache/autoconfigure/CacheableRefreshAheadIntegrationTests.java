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
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

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
 * method (no {@code sync}), which used to be ignored, and on methods returning
 * {@code Mono} and {@code Flux}, which were not reloaded. Two application contexts share
 * the test server as two instances of one service would: a stale hit answers at once in
 * both, and the method runs once in the background to reload it, across both.
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
		ReactiveRates.monoLoads.set(0);
		ReactiveRates.fluxLoads.set(0);
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
					"app.cache.caches.rates.refresh-after=1m", "app.cache.caches.monorates.ttl=10m",
					"app.cache.caches.monorates.refresh-after=1m", "app.cache.caches.fluxrates.ttl=10m",
					"app.cache.caches.fluxrates.refresh-after=1m")
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

	@Test
	void staleHit_ofMonoAndFluxMethods_answersAtOnce_andReloadsInTheBackground() throws Exception {
		ReactiveRates rates = this.first.getBean(ReactiveRates.class);
		assertThat(rates.rate("usd").block(Duration.ofSeconds(10))).isEqualTo("usd-1");
		assertThat(rates.rates("usd").collectList().block(Duration.ofSeconds(10))).containsExactly("usd", "1");
		makeStale(PREFIX + ":monorates:usd");
		makeStale(PREFIX + ":fluxrates:usd");
		release = new CountDownLatch(1);
		// the reloads wait for the latch (10 s): a caller that waited for them would time
		// out
		assertThat(rates.rate("usd").block(Duration.ofSeconds(5))).isEqualTo("usd-1");
		assertThat(rates.rates("usd").collectList().block(Duration.ofSeconds(5))).containsExactly("usd", "1");
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			assertThat(ReactiveRates.monoLoads).as("the Mono method reloads").hasValue(2);
			assertThat(ReactiveRates.fluxLoads).as("the Flux method reloads").hasValue(2);
		});
		release.countDown();
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(raw(PREFIX + ":monorates:usd")).isEqualTo("usd-2"));
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(raw(PREFIX + ":fluxrates:usd")).isEqualTo("[\"usd\",\"2\"]"));
		assertThat(rates.rate("usd").block(Duration.ofSeconds(10))).isEqualTo("usd-2");
		assertThat(rates.rates("usd").collectList().block(Duration.ofSeconds(10))).containsExactly("usd", "2");
		assertThat(ReactiveRates.monoLoads).hasValue(2);
		assertThat(ReactiveRates.fluxLoads).hasValue(2);
		assertThat(pttl(PREFIX + ":monorates:usd")).as("a fresh TTL").isGreaterThan(Duration.ofMinutes(9).toMillis());
		assertThat(pttl(PREFIX + ":fluxrates:usd")).as("a fresh TTL").isGreaterThan(Duration.ofMinutes(9).toMillis());
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

	static class ReactiveRates {

		static final AtomicInteger monoLoads = new AtomicInteger();

		static final AtomicInteger fluxLoads = new AtomicInteger();

		@Cacheable("monorates")
		public Mono<String> rate(String currency) {
			return Mono.fromCallable(() -> {
				int load = monoLoads.incrementAndGet();
				awaitRelease();
				return currency + "-" + load;
			});
		}

		@Cacheable("fluxrates")
		public Flux<String> rates(String currency) {
			return Flux.defer(() -> {
				int load = fluxLoads.incrementAndGet();
				awaitRelease();
				return Flux.just(currency, String.valueOf(load));
			});
		}

		private static void awaitRelease() {
			try {
				release.await(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@EnableCaching
	@Import({ Rates.class, ReactiveRates.class })
	static class TestApplication {

		@Bean
		DataRedisConnectionDetails redisConnectionDetails() {
			return TestRedis.connectionDetails();
		}

	}

}
