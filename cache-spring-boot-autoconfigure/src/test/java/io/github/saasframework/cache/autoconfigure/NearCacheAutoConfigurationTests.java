package io.github.saasframework.cache.autoconfigure;

import java.time.Duration;

import io.github.saasframework.cache.Cache;
import io.github.saasframework.cache.testsupport.RedisServerExtension;
import io.github.saasframework.cache.testsupport.RedisServerProcess;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code app.cache.near.*}: the near cache of the auto-configured cache, what it answers
 * (the Cache API and {@code @Cacheable} hits), its meters, starting while Redis is down,
 * and the failure reports of a bad value and of a Redis that refuses tracking.
 */
@ExtendWith(RedisServerExtension.class)
class NearCacheAutoConfigurationTests {

	private static final String PREFIX = "near-autoconfig";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
				RedisCacheAutoConfiguration.class, SpringCacheAutoConfiguration.class, CacheAutoConfiguration.class))
		.withBean(DataRedisConnectionDetails.class, TestRedis::connectionDetails)
		.withBean(SimpleMeterRegistry.class)
		.withPropertyValues("app.cache.key-prefix=" + PREFIX);

	@AfterEach
	void cleanUp() {
		TestRedis.flush(PREFIX);
	}

	@Test
	void enabled_cacheableHitsAreAnsweredFromMemory_andAnotherClientsWriteIsSeen() {
		this.contextRunner.withUserConfiguration(SpringCacheAutoConfigurationTests.CachingApplication.class)
			.withPropertyValues("app.cache.near.enabled=true")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				SpringCacheAutoConfigurationTests.Books books = context
					.getBean(SpringCacheAutoConfigurationTests.Books.class);
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(books.find(1).title()).isEqualTo("title-1");
				// the first reads after the write may be answered by Redis; then memory
				Awaitility.await()
					.atMost(Duration.ofSeconds(5))
					.until(() -> books.find(1) != null && nearHits(registry, "books") > 0);
				assertThat(books.calls()).hasValue(1);
				assertThat(registry.get("cache.near.size").tags("cache", PREFIX).gauge().value()).isPositive();
				// a Go service rewrites the entry: the next @Cacheable call sees it
				RedisServerExtension.server().command("SET", PREFIX + ":books:1", "{\"id\":1,\"title\":\"rewritten\"}");
				Awaitility.await()
					.atMost(Duration.ofSeconds(5))
					.pollInterval(Duration.ofMillis(1))
					.until(() -> books.find(1).title(), "rewritten"::equals);
				assertThat(books.calls()).hasValue(1);
				assertThat(registry.get("cache.near.invalidations").tags("cache", PREFIX).counter().count())
					.isPositive();
			});
	}

	@Test
	void enabled_theCacheApiIsAnsweredFromMemory() {
		this.contextRunner.withPropertyValues("app.cache.near.enabled=true", "app.cache.near.max-age=1m")
			.run((context) -> {
				Cache cache = context.getBean(Cache.class);
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				cache.set("flag", "on");
				Awaitility.await()
					.atMost(Duration.ofSeconds(5))
					.until(() -> cache.get("flag", String.class).isPresent() && nearHits(registry, PREFIX) > 0);
			});
	}

	@Test
	void offByDefault() {
		this.contextRunner.run((context) -> {
			Cache cache = context.getBean(Cache.class);
			cache.set("flag", "on");
			cache.get("flag", String.class);
			cache.get("flag", String.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.find("cache.near.size").gauge()).isNull();
			// issue 24: the cache.near.* meters existed (at zero) with the near cache off
			assertThat(registry.getMeters()).extracting((meter) -> meter.getId().getName())
				.contains("cache.gets")
				.noneMatch((name) -> name.startsWith("cache.near."));
			assertThat(RedisServerExtension.server().command("CLIENT", "LIST")).doesNotContain("flags=tB");
		});
	}

	@Test
	void aBadMaxEntriesFailsStartupNamingTheProperty() {
		this.contextRunner.withPropertyValues("app.cache.near.enabled=true", "app.cache.near.max-entries=0")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).hasStackTraceContaining(
						"Invalid value '0' for property 'app.cache.near.max-entries': must be positive");
			});
	}

	@Test
	void aBadMaxAgeFailsStartupNamingTheProperty() {
		this.contextRunner.withPropertyValues("app.cache.near.max-age=0s").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure())
				.hasStackTraceContaining("Invalid value '0s' for property 'app.cache.near.max-age'");
		});
	}

	/**
	 * Issue 24: with the near cache on and Redis down, the application did not start (a
	 * 139-line stack trace); without the near cache it starts and fails open.
	 */
	@Test
	void startsWithRedisDown_failsOpen_andServesFromMemoryCoherentlyOnceRedisAnswers() {
		RedisServerProcess server = RedisServerProcess.start();
		try {
			server.kill();
			new ApplicationContextRunner()
				.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
						JacksonAutoConfiguration.class, RedisCacheAutoConfiguration.class,
						SpringCacheAutoConfiguration.class, CacheAutoConfiguration.class))
				.withBean(DataRedisConnectionDetails.class, () -> TestRedis.connectionDetails(server.port()))
				.withBean(SimpleMeterRegistry.class)
				.withUserConfiguration(SpringCacheAutoConfigurationTests.CachingApplication.class)
				.withPropertyValues("app.cache.key-prefix=" + PREFIX, "app.cache.near.enabled=true",
						"spring.data.redis.timeout=500ms", "spring.data.redis.connect-timeout=500ms")
				.run((context) -> {
					assertThat(context).hasNotFailed();
					SpringCacheAutoConfigurationTests.Books books = context
						.getBean(SpringCacheAutoConfigurationTests.Books.class);
					Cache cache = context.getBean(Cache.class);
					MeterRegistry registry = context.getBean(MeterRegistry.class);
					// fails open, as without the near cache: the methods answer, uncached
					assertThat(books.find(1).title()).isEqualTo("title-1");
					assertThat(books.find(1).title()).isEqualTo("title-1");
					assertThat(books.calls()).hasValue(2);
					assertThat(cache.remember("flag", Duration.ofMinutes(1), String.class, () -> "loaded"))
						.isEqualTo("loaded");
					assertThat(nearHits(registry, "books")).isZero();

					server.restart();
					Awaitility.await()
						.atMost(Duration.ofSeconds(15))
						.ignoreExceptions()
						.until(() -> books.find(2) != null && nearHits(registry, "books") > 0);
					assertThat(books.calls()).as("id 2 loaded once, then answered by Redis and memory").hasValue(3);
					// coherent: a write by another client is seen
					server.command("SET", PREFIX + ":books:2", "{\"id\":2,\"title\":\"rewritten\"}");
					Awaitility.await()
						.atMost(Duration.ofSeconds(5))
						.pollInterval(Duration.ofMillis(1))
						.until(() -> books.find(2).title(), "rewritten"::equals);
					assertThat(books.calls()).hasValue(3);
				});
		}
		finally {
			server.stop();
		}
	}

	@Test
	void aUserWithoutTheRightToTrack_failsStartupWithAReportNamingTheProperty() {
		RedisServerProcess server = RedisServerExtension.server();
		server.command("ACL", "SETUSER", "near-reader", "on", ">secret", "~*", "+@all", "-client");
		try {
			this.contextRunner.withBean("restrictedConnectionDetails", DataRedisConnectionDetails.class,
					() -> new DataRedisConnectionDetails() {

						@Override
						public String getUsername() {
							return "near-reader";
						}

						@Override
						public String getPassword() {
							return "secret";
						}

						@Override
						public Standalone getStandalone() {
							return Standalone.of("127.0.0.1", server.port());
						}

					}, (definition) -> definition.setPrimary(true))
				.withPropertyValues("app.cache.near.enabled=true")
				.run((context) -> {
					assertThat(context).hasFailed();
					FailureAnalysis analysis = new CacheConfigurationFailureAnalyzer()
						.analyze(context.getStartupFailure());
					assertThat(analysis).isNotNull();
					assertThat(analysis.getDescription())
						.startsWith("Invalid value 'true' for property 'app.cache.near.enabled'")
						.contains("CLIENT TRACKING")
						.contains("NOPERM");
					assertThat(analysis.getAction()).isEqualTo("Update property 'app.cache.near.enabled' to false,"
							+ " or grant the Redis user the right to run CLIENT TRACKING (ACL: +client|tracking).");
				});
		}
		finally {
			server.command("ACL", "DELUSER", "near-reader");
		}
	}

	private static double nearHits(MeterRegistry registry, String cache) {
		return registry.find("cache.near.gets")
			.tags("cache", cache, "result", "hit")
			.counters()
			.stream()
			.mapToDouble(io.micrometer.core.instrument.Counter::count)
			.sum();
	}

}
