package io.github.saasframework.cache.autoconfigure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.saasframework.cache.Cache;
import io.github.saasframework.cache.CacheConfig;
import io.github.saasframework.cache.CacheMetricsRecorder;
import io.github.saasframework.cache.RedisCache;
import io.github.saasframework.cache.annotation.WithLock;
import io.github.saasframework.cache.lock.LockNotAcquiredException;
import io.github.saasframework.cache.serializer.CacheSerializer;
import io.github.saasframework.cache.serializer.JsonCacheSerializer;
import io.github.saasframework.cache.serializer.StringCacheSerializer;
import io.github.saasframework.cache.testsupport.RedisServerExtension;
import io.github.saasframework.cache.testsupport.RedisServerProcess;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import tools.jackson.databind.json.JsonMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.io.support.PropertiesLoaderUtils;
import org.springframework.core.io.UrlResource;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.BeanUtils;
import org.springframework.util.ClassUtils;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ClassPathResource;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link RedisCacheAutoConfiguration}, against the shared test
 * {@code redis-server}.
 */
@ExtendWith(RedisServerExtension.class)
class RedisCacheAutoConfigurationTests {

	private static final String PREFIX = "autoconfig-tests";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
				RedisCacheAutoConfiguration.class))
		.withBean(DataRedisConnectionDetails.class, TestRedis::connectionDetails)
		.withPropertyValues("app.cache.key-prefix=" + PREFIX);

	@AfterEach
	void cleanUp() {
		TestRedis.flush(PREFIX);
	}

	@Test
	void defaultBeansAreCreated() {
		this.contextRunner.withPropertyValues("app.cache.key-prefix=").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(RedisCacheProperties.class);
			assertThat(context).hasSingleBean(Cache.class).getBean(Cache.class).isInstanceOf(RedisCache.class);
			assertThat(context).hasSingleBean(CacheSerializer.class)
				.getBean(CacheSerializer.class)
				.isInstanceOf(JsonCacheSerializer.class);
			assertThat(context).hasBean("rememberAdvisor").hasBean("withLockAdvisor").hasBean("forgetAdvisor");
			assertThat(context).hasSingleBean(RedisCacheHealthIndicator.class);
			assertThat(context.getBean(Cache.class).prefix()).isEmpty();
			assertThat(context).getBean(CacheMetricsRecorder.class).isSameAs(CacheMetricsRecorder.NONE);
		});
	}

	@Test
	void cacheWorksAgainstTheApplicationsRedis() {
		this.contextRunner.run((context) -> {
			Cache cache = context.getBean(Cache.class);
			cache.set("greeting", "hello");
			assertThat(cache.get("greeting", String.class)).contains("hello");
			assertThat(RedisServerExtension.server().command("EXISTS", PREFIX + ":greeting")).isEqualTo(":1");
		});
	}

	@Test
	void keyPrefixPropertyNamespacesKeys() {
		this.contextRunner.run((context) -> assertThat(context.getBean(Cache.class).prefix()).isEqualTo(PREFIX));
	}

	@Test
	void defaultTtlPropertyAppliesToValuesWrittenWithoutOne() {
		this.contextRunner.withPropertyValues("app.cache.default-ttl=5m").run((context) -> {
			Cache cache = context.getBean(Cache.class);
			cache.set("ttl", "value");
			assertThat(cache.getTtl("ttl"))
				.hasValueSatisfying((ttl) -> assertThat(ttl).isLessThanOrEqualTo(Duration.ofMinutes(5))
					.isGreaterThan(Duration.ofMinutes(4)));
		});
	}

	@Test
	void jsonSerializerUsesTheApplicationsJsonMapper() {
		this.contextRunner.withPropertyValues("spring.jackson.property-naming-strategy=SNAKE_CASE").run((context) -> {
			byte[] json = context.getBean(CacheSerializer.class).serialize(new Person("Ada", 36));
			assertThat(new String(json)).isEqualTo("{\"first_name\":\"Ada\",\"age\":36}");
		});
	}

	@Test
	void goDurationsProperty_writesDurationsAsGoDoes_onACopyOfTheApplicationsMapper() {
		this.contextRunner
			.withPropertyValues("app.cache.json.go-durations=true",
					"spring.jackson.property-naming-strategy=SNAKE_CASE")
			.run((context) -> {
				Cache cache = context.getBean(Cache.class);
				cache.set("job", new Job(Duration.ofMillis(1500)));
				assertThat(new String(TestRedis.raw(PREFIX + ":job"), StandardCharsets.UTF_8))
					.isEqualTo("{\"run_timeout\":1500000000}");
				assertThat(cache.get("job", Job.class)).contains(new Job(Duration.ofMillis(1500)));
				assertThat(context.getBean(JsonMapper.class).writeValueAsString(new Job(Duration.ofMillis(1500))))
					.isEqualTo("{\"run_timeout\":\"PT1.5S\"}");
			});
	}

	@Test
	void goDurationsProperty_worksWithoutJacksonAutoConfiguration() {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(DataRedisAutoConfiguration.class, RedisCacheAutoConfiguration.class))
			.withBean(DataRedisConnectionDetails.class, TestRedis::connectionDetails)
			.withPropertyValues("app.cache.json.go-durations=true")
			.run((context) -> assertThat(
					new String(context.getBean(CacheSerializer.class).serialize(new Job(Duration.ofSeconds(2)))))
				.isEqualTo("{\"runTimeout\":2000000000}"));
	}

	record Job(Duration runTimeout) {
	}

	@Test
	void goTimeOffset_isKeptWhenJacksonDoesNotAdjustToUtc() {
		String go = "{\"at\":\"2026-12-01T13:04:05.123456789+07:00\"}";
		this.contextRunner
			.withPropertyValues("spring.jackson.datatype.datetime.adjust-dates-to-context-time-zone=false")
			.run((context) -> assertThat(((Event) context.getBean(CacheSerializer.class)
				.deserialize(go.getBytes(StandardCharsets.UTF_8), Event.class)).at())
				.isEqualTo(OffsetDateTime.parse("2026-12-01T13:04:05.123456789+07:00")));
	}

	record Event(OffsetDateTime at) {
	}

	@Test
	void jsonSerializerWorksWithoutJacksonAutoConfiguration() {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(DataRedisAutoConfiguration.class, RedisCacheAutoConfiguration.class))
			.withBean(DataRedisConnectionDetails.class, TestRedis::connectionDetails)
			.run((context) -> assertThat(context).getBean(CacheSerializer.class)
				.isInstanceOf(JsonCacheSerializer.class));
	}

	@Test
	void serializerPropertySelectsTheStringSerializer() {
		this.contextRunner.withPropertyValues("app.cache.serializer=string").run((context) -> {
			assertThat(context).getBean(CacheSerializer.class).isInstanceOf(StringCacheSerializer.class);
			Cache cache = context.getBean(Cache.class);
			cache.set("raw", "text");
			assertThat(cache.get("raw", String.class)).contains("text");
		});
	}

	@Test
	void lockPropertiesAreBoundAndDefaultWaitAppliesToWithLock() {
		this.contextRunner
			.withPropertyValues("app.cache.lock.default-ttl=1m", "app.cache.lock.default-wait=100ms",
					"app.cache.lock.retry-interval=10ms")
			.run((context) -> {
				RedisCacheProperties.Lock lock = context.getBean(RedisCacheProperties.class).getLock();
				assertThat(lock.getDefaultTtl()).isEqualTo(Duration.ofMinutes(1));
				assertThat(lock.getDefaultWait()).isEqualTo(Duration.ofMillis(100));
				assertThat(lock.getRetryInterval()).isEqualTo(Duration.ofMillis(10));
				Cache cache = context.getBean(Cache.class);
				try (var held = cache.lock("lock:props", Duration.ofSeconds(30))) {
					held.acquire(Duration.ZERO);
					AtomicInteger runs = new AtomicInteger();
					assertThatExceptionOfType(LockNotAcquiredException.class)
						.isThrownBy(() -> cache.withLock("lock:props", Duration.ofSeconds(1), runs::incrementAndGet));
					assertThat(runs).hasValue(0);
				}
			});
	}

	@Test
	void customizersChangeOneSettingInOrderWithoutReplacingTheBean() {
		this.contextRunner.withPropertyValues("app.cache.default-ttl=10m")
			.withBean("second", RedisCacheCustomizer.class,
					() -> new OrderedCustomizer(2, (config) -> config.defaultTtl(Duration.ofMinutes(3))))
			.withBean("first", RedisCacheCustomizer.class,
					() -> new OrderedCustomizer(1, (config) -> config.defaultTtl(Duration.ofMinutes(7))))
			.run((context) -> {
				assertThat(context).hasSingleBean(Cache.class);
				Cache cache = context.getBean(Cache.class);
				cache.set("customized", "v");
				// the property gave 10m, the first customizer 7m, the second (last) 3m
				assertThat(cache.getTtl("customized"))
					.hasValueSatisfying((ttl) -> assertThat(ttl).isLessThanOrEqualTo(Duration.ofMinutes(3))
						.isGreaterThan(Duration.ofMinutes(2)));
			});
	}

	record OrderedCustomizer(int order,
			RedisCacheCustomizer delegate) implements RedisCacheCustomizer, org.springframework.core.Ordered {

		@Override
		public void customize(CacheConfig.Builder config) {
			this.delegate.customize(config);
		}

		@Override
		public int getOrder() {
			return this.order;
		}

	}

	@Test
	void withLockAnnotationWaitsAsLongAsTheApplicationsOwnCacheDoes() {
		// one default wait: an application Cache bean with a 150 ms lock wait makes
		// @WithLock without waitTime wait 150 ms too, not app.cache.lock.default-wait
		this.contextRunner.withPropertyValues("app.cache.lock.default-wait=30s")
			.withUserConfiguration(ShortWaitCacheConfiguration.class)
			.withBean(LockedJob.class)
			.run((context) -> {
				Cache cache = context.getBean(Cache.class);
				LockedJob job = context.getBean(LockedJob.class);
				assertThat(AopUtils.isAopProxy(job)).isTrue();
				try (var held = cache.lock("lock:job", Duration.ofSeconds(30))) {
					held.acquire(Duration.ZERO);
					assertThatExceptionOfType(LockNotAcquiredException.class).isThrownBy(job::run)
						.withMessageContaining("not acquired within PT0.15S");
					assertThatExceptionOfType(LockNotAcquiredException.class)
						.isThrownBy(() -> cache.withLock("lock:job", Duration.ofSeconds(1), () -> 1))
						.withMessageContaining("not acquired within PT0.15S");
				}
				assertThat(job.runs()).hasValue(0);
				job.run();
				assertThat(job.runs()).hasValue(1);
			});
	}

	@Test
	void rememberFailsOpenByDefault_andThrowsWhenFailOpenIsOff() {
		int deadPort = RedisServerProcess.freePort();
		ApplicationContextRunner deadRedis = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
					RedisCacheAutoConfiguration.class))
			.withBean(DataRedisConnectionDetails.class, () -> TestRedis.connectionDetails(deadPort))
			.withPropertyValues("spring.data.redis.timeout=300ms", "spring.data.redis.connect-timeout=300ms");
		deadRedis.run((context) -> assertThat(
				context.getBean(Cache.class).remember("k", Duration.ZERO, String.class, () -> "from-loader"))
			.isEqualTo("from-loader"));
		deadRedis.withPropertyValues("app.cache.remember.fail-open=false")
			.run((context) -> assertThatExceptionOfType(DataAccessException.class)
				.isThrownBy(() -> context.getBean(Cache.class).remember("k", Duration.ZERO, String.class, () -> "x")));
	}

	@Test
	void cacheNullsPropertyStoresNullResults() {
		this.contextRunner.withPropertyValues("app.cache.remember.cache-nulls=true", "app.cache.remember.null-ttl=7s")
			.run((context) -> {
				Cache cache = context.getBean(Cache.class);
				AtomicInteger loads = new AtomicInteger();
				for (int i = 0; i < 3; i++) {
					cache.remember("absent", Duration.ZERO, String.class, () -> {
						loads.incrementAndGet();
						return null;
					});
				}
				assertThat(loads).hasValue(1);
				assertThat(cache.getTtl("absent"))
					.hasValueSatisfying((ttl) -> assertThat(ttl).isLessThanOrEqualTo(Duration.ofSeconds(7)));
			});
	}

	@Test
	void ttlJitterPropertyShortensEntryTtls() {
		this.contextRunner.withPropertyValues("app.cache.ttl-jitter=0.5").run((context) -> {
			Cache cache = context.getBean(Cache.class);
			java.util.Set<Long> ttls = new java.util.HashSet<>();
			for (int i = 0; i < 20; i++) {
				cache.set("j" + i, "v", Duration.ofSeconds(100));
				ttls.add(cache.getTtl("j" + i).orElseThrow().toSeconds());
			}
			assertThat(ttls).allSatisfy((ttl) -> assertThat(ttl).isBetween(49L, 100L));
			assertThat(ttls).hasSizeGreaterThan(5);
		});
	}

	@Test
	void invalidRememberPropertyFailsStartupNamingIt() {
		this.contextRunner.withPropertyValues("app.cache.ttl-jitter=1.5").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).hasStackTraceContaining(
					"Invalid value '1.5' for property 'app.cache.ttl-jitter': must be at least 0 and below 1");
		});
	}

	@Test
	void invalidPropertyFailsStartupNamingIt() {
		this.contextRunner.withPropertyValues("app.cache.key-prefix=bad:").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).hasStackTraceContaining(
					"Invalid value 'bad:' for property 'app.cache.key-prefix': must not start or end with ':'");
		});
	}

	/**
	 * Issue 24: {@code key-prefix: "has space"} was accepted although a trailing
	 * {@code :} was refused.
	 */
	@Test
	void keyPrefixWithWhitespaceOrControlCharacterFailsStartupNamingIt() {
		this.contextRunner.withPropertyValues("app.cache.key-prefix=has space").run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new CacheConfigurationFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription()).isEqualTo("Invalid value 'has space' for property"
					+ " 'app.cache.key-prefix':\n\n    Reason: must not contain whitespace or control characters");
		});
		this.contextRunner.withPropertyValues("app.cache.key-prefix=line\nbreak").run((context) -> {
			FailureAnalysis analysis = new CacheConfigurationFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).startsWith("Invalid value 'line\\nbreak' for property");
		});
	}

	/**
	 * Issue 24: the report echoed {@code PT-5S} where the user wrote {@code -5s}.
	 */
	@Test
	void invalidDurationIsEchoedInBootsSimpleStyle() {
		this.contextRunner.withPropertyValues("app.cache.remember.null-ttl=-1500ms").run((context) -> {
			assertThat(context.getStartupFailure())
				.hasStackTraceContaining("Invalid value '-1500ms' for property 'app.cache.remember.null-ttl'");
		});
		this.contextRunner.withPropertyValues("app.cache.lock.retry-interval=-2m").run((context) -> {
			assertThat(context.getStartupFailure())
				.hasStackTraceContaining("Invalid value '-2m' for property 'app.cache.lock.retry-interval'");
		});
		assertThat(CacheSettings.display(Duration.ofSeconds(-5))).isEqualTo("-5s");
		assertThat(CacheSettings.display(Duration.ofSeconds(90))).isEqualTo("90s");
		assertThat(CacheSettings.display(Duration.ofHours(-48))).isEqualTo("-2d");
		assertThat(CacheSettings.display(Duration.ofMillis(-1500))).isEqualTo("-1500ms");
		assertThat(CacheSettings.display(Duration.ofNanos(-1500))).isEqualTo("-1500ns");
		assertThat(CacheSettings.display(Duration.ZERO)).isEqualTo("0s");
		assertThat(CacheSettings.display(Cache.NO_EXPIRY)).isEqualTo(Cache.NO_EXPIRY.toString());
	}

	@Test
	void invalidPropertyEndsInBootsFailureReportNamingThePropertyNotTheJavaField() {
		this.contextRunner.withPropertyValues("app.cache.default-ttl=-5s").run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new CacheConfigurationFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription())
				.isEqualTo("Invalid value '-5s' for property 'app.cache.default-ttl':\n\n    Reason: must be positive");
			assertThat(analysis.getAction()).isEqualTo(
					"Update property 'app.cache.default-ttl' to a positive duration such as 500ms, 30s, 10m or 1h.");
			assertThat(analysis.getDescription()).doesNotContain("defaultTtl");
		});
		this.contextRunner.withPropertyValues("app.cache.remember.lease=0s").run((context) -> {
			FailureAnalysis analysis = new CacheConfigurationFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("'app.cache.remember.lease'").doesNotContain("loadLease");
		});
	}

	@Test
	void failureAnalyzerIsRegisteredWithBoot() throws Exception {
		List<String> analyzers = new ArrayList<>();
		for (URL url : Collections.list(getClass().getClassLoader().getResources("META-INF/spring.factories"))) {
			Properties factories = PropertiesLoaderUtils.loadProperties(new UrlResource(url));
			analyzers.add(factories.getProperty("org.springframework.boot.diagnostics.FailureAnalyzer", ""));
		}
		assertThat(analyzers)
			.anySatisfy((names) -> assertThat(names).contains(CacheConfigurationFailureAnalyzer.class.getName()));
		Object analyzer = BeanUtils.instantiateClass(
				ClassUtils.forName(CacheConfigurationFailureAnalyzer.class.getName(), getClass().getClassLoader()));
		assertThat(analyzer).isInstanceOf(org.springframework.boot.diagnostics.FailureAnalyzer.class);
	}

	@Test
	void cacheBacksOffWhenUserDefinesOne() {
		this.contextRunner.withUserConfiguration(UserCacheConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(Cache.class);
			assertThat(context.getBean(Cache.class)).isSameAs(context.getBean("userCache"));
			assertThat(context).hasBean("rememberAdvisor");
		});
	}

	@Test
	void serializerBacksOffWhenUserDefinesOneAndWinsOverTheProperty() {
		this.contextRunner.withUserConfiguration(UserSerializerConfiguration.class)
			.withPropertyValues("app.cache.serializer=string")
			.run((context) -> {
				assertThat(context).hasSingleBean(CacheSerializer.class);
				assertThat(context.getBean(CacheSerializer.class)).isSameAs(context.getBean("userSerializer"));
				Cache cache = context.getBean(Cache.class);
				cache.set("user-serializer", new Person("Ada", 36));
				assertThat(cache.get("user-serializer", Person.class)).contains(new Person("Ada", 36));
			});
	}

	@Test
	void metricsRecorderBacksOffWhenUserDefinesOneAndTheCacheUsesIt() {
		this.contextRunner.withUserConfiguration(UserRecorderConfiguration.class)
			.withBean(SimpleMeterRegistry.class)
			.run((context) -> {
				assertThat(context).hasSingleBean(CacheMetricsRecorder.class);
				CountingRecorder recorder = context.getBean(CountingRecorder.class);
				context.getBean(Cache.class).set("counted", "value");
				assertThat(recorder.puts).hasValue(1);
				assertThat(context.getBean(SimpleMeterRegistry.class).find("cache.puts").counter()).isNull();
			});
	}

	@Test
	void micrometerRecorderIsUsedWhenAMeterRegistryExists() {
		this.contextRunner.withBean(SimpleMeterRegistry.class).run((context) -> {
			assertThat(context).getBean(CacheMetricsRecorder.class).isInstanceOf(MicrometerCacheMetricsRecorder.class);
			context.getBean(Cache.class).get("absent", String.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get("cache.gets").tags("cache", PREFIX, "result", "miss").counter().count())
				.isEqualTo(1.0);
		});
	}

	@Test
	void everyMeterOfTheConfiguredPrefixIsRegisteredAtStartup_failOpenIncluded() {
		this.contextRunner.withBean(SimpleMeterRegistry.class).run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get("cache.fail.open").tags("cache", PREFIX, "exception", "none").counter().count())
				.isZero();
			assertThat(registry.get("cache.gets").tags("cache", PREFIX).counters()).hasSize(2);
			assertThat(registry.get("cache.lock.wait").tags("cache", PREFIX).timers()).hasSize(2);
		});
	}

	@Test
	void advisorsBackOffWhenUserDefinesThemByName() {
		this.contextRunner.withUserConfiguration(UserAdvisorsConfiguration.class).run((context) -> {
			assertThat(context.getBean("rememberAdvisor")).isEqualTo("user");
			assertThat(context.getBean("withLockAdvisor")).isEqualTo("user");
			assertThat(context.getBean("forgetAdvisor")).isEqualTo("user");
			assertThat(context.getBeanNamesForType(org.springframework.aop.Advisor.class)).isEmpty();
		});
	}

	@Test
	void healthIndicatorBacksOffWhenUserDefinesOne() {
		this.contextRunner.withUserConfiguration(UserHealthConfiguration.class).run((context) -> {
			assertThat(context).doesNotHaveBean(RedisCacheHealthIndicator.class);
			assertThat(context).hasBean("appcacheHealthIndicator");
		});
	}

	@Test
	void healthIndicatorCanBeDisabled() {
		this.contextRunner.withPropertyValues("management.health.appcache.enabled=false")
			.run((context) -> assertThat(context).hasSingleBean(Cache.class)
				.doesNotHaveBean(RedisCacheHealthIndicator.class));
	}

	@Test
	void healthIsUpWhenRedisAnswersPing() {
		this.contextRunner.run((context) -> {
			Health health = context.getBean(RedisCacheHealthIndicator.class).health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("ping", "PONG").containsEntry("keyPrefix", PREFIX);
		});
	}

	@Test
	void healthIsDownWithTheErrorWhenRedisIsUnreachable() {
		int deadPort = RedisServerProcess.freePort();
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(DataRedisAutoConfiguration.class, RedisCacheAutoConfiguration.class))
			.withBean(DataRedisConnectionDetails.class, () -> TestRedis.connectionDetails(deadPort))
			.withPropertyValues("spring.data.redis.connect-timeout=500ms", "spring.data.redis.timeout=500ms")
			.run((context) -> {
				Health health = context.getBean(HealthIndicator.class).health();
				assertThat(health.getStatus()).isEqualTo(Status.DOWN);
				assertThat(health.getDetails()).containsKey("error");
			});
	}

	@Test
	void noBeansWhenDisabled() {
		this.contextRunner.withPropertyValues("app.cache.enabled=false").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(RedisConnectionFactory.class);
			assertThat(Arrays.stream(context.getBeanDefinitionNames())
				.filter((name) -> !context.isTypeMatch(name, DataRedisConnectionDetails.class))
				.map(context::getType))
				.noneMatch((type) -> type != null && type.getName().startsWith("io.github.saasframework.cache"));
			assertThat(context).doesNotHaveBean(Cache.class)
				.doesNotHaveBean(CacheSerializer.class)
				.doesNotHaveBean(RedisCacheProperties.class)
				.doesNotHaveBean("rememberAdvisor");
		});
	}

	@Test
	void noBeansWithoutSpringDataRedis() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(RedisTemplate.class))
			.run((context) -> assertThat(context).doesNotHaveBean(Cache.class)
				.doesNotHaveBean(RedisCacheProperties.class)
				.doesNotHaveBean("rememberAdvisor"));
	}

	@Test
	void noCacheWithoutAConnectionFactory() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(RedisCacheAutoConfiguration.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(Cache.class)
				.doesNotHaveBean(RedisCacheHealthIndicator.class));
	}

	@Test
	void noMetricsRecorderWithoutMicrometer() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(Cache.class)
				.doesNotHaveBean(CacheMetricsRecorder.class));
	}

	@Test
	void noHealthIndicatorWithoutBootHealth() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(AbstractHealthIndicator.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(Cache.class)
				.doesNotHaveBean("appcacheHealthIndicator"));
	}

	@Test
	void autoConfigurationIsListedInTheImportsFile() {
		assertThat(ImportCandidates.load(AutoConfiguration.class, getClass().getClassLoader()).getCandidates())
			.contains(RedisCacheAutoConfiguration.class.getName());
	}

	@Test
	void everyNameInTheImportsFileResolves() throws IOException {
		String imports = new ClassPathResource(
				"META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports")
			.getContentAsString(StandardCharsets.UTF_8);
		List<String> names = imports.lines().map(String::trim).filter((line) -> !line.isEmpty()).toList();
		assertThat(names).containsExactly(RedisCacheAutoConfiguration.class.getName(),
				SpringCacheAutoConfiguration.class.getName(), ReactiveCacheAutoConfiguration.class.getName());
		assertThat(names).allSatisfy(
				(name) -> assertThat(ClassUtils.isPresent(name, getClass().getClassLoader())).as(name).isTrue());
	}

	@Test
	void everyAfterNameResolves() {
		String[] afterNames = RedisCacheAutoConfiguration.class.getAnnotation(AutoConfiguration.class).afterName();
		assertThat(afterNames).isNotEmpty();
		assertThat(afterNames).allSatisfy(
				(name) -> assertThat(ClassUtils.isPresent(name, getClass().getClassLoader())).as(name).isTrue());
		String[] beforeNames = SpringCacheAutoConfiguration.class.getAnnotation(AutoConfiguration.class).beforeName();
		assertThat(beforeNames).containsExactly("org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration");
		assertThat(beforeNames).allSatisfy(
				(name) -> assertThat(ClassUtils.isPresent(name, getClass().getClassLoader())).as(name).isTrue());
	}

	@Configuration(proxyBeanMethods = false)
	static class UserCacheConfiguration {

		@Bean
		Cache userCache() {
			return RedisCache.create(RedisServerExtension.connectionFactory(),
					CacheConfig.builder().keyPrefix(PREFIX).build());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ShortWaitCacheConfiguration {

		@Bean
		Cache userCache() {
			return RedisCache.create(RedisServerExtension.connectionFactory(),
					CacheConfig.builder().keyPrefix(PREFIX).lockWait(Duration.ofMillis(150)).build());
		}

	}

	static class LockedJob {

		private final AtomicInteger runs = new AtomicInteger();

		@WithLock(key = "'lock:job'")
		void run() {
			this.runs.incrementAndGet();
		}

		AtomicInteger runs() {
			return this.runs;
		}

	}

	static class UserSerializerConfiguration {

		@Bean
		CacheSerializer userSerializer() {
			return new JsonCacheSerializer();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserRecorderConfiguration {

		@Bean
		CountingRecorder userRecorder() {
			return new CountingRecorder();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserAdvisorsConfiguration {

		@Bean
		String rememberAdvisor() {
			return "user";
		}

		@Bean
		String withLockAdvisor() {
			return "user";
		}

		@Bean
		String forgetAdvisor() {
			return "user";
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserHealthConfiguration {

		@Bean
		HealthIndicator appcacheHealthIndicator() {
			return () -> Health.up().build();
		}

	}

	static class CountingRecorder implements CacheMetricsRecorder {

		final AtomicInteger puts = new AtomicInteger();

		@Override
		public void recordPuts(String prefix, int count) {
			this.puts.addAndGet(count);
		}

	}

	record Person(String firstName, int age) {
	}

}
