package io.github.saasframework.cache.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import io.github.saasframework.cache.Cache;
import io.github.saasframework.cache.CacheObserver;
import io.github.saasframework.cache.annotation.Remember;
import io.github.saasframework.cache.annotation.WithLock;
import io.github.saasframework.cache.lock.DistributedLock;
import io.github.saasframework.cache.lock.LockNotAcquiredException;
import io.github.saasframework.cache.testsupport.RedisServerExtension;
import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The Micrometer observations of get, remember and lock waits, recorded by a
 * {@link TestObservationRegistry} in an application on the shared test
 * {@code redis-server}: what is observed, with which key-values, that the loader's own
 * observations are children of the cache's, and that nothing is observed when switched
 * off or when there is no registry.
 */
@ExtendWith(RedisServerExtension.class)
class CacheObservationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
				RedisCacheAutoConfiguration.class))
		.withBean(DataRedisConnectionDetails.class, TestRedis::connectionDetails);

	/**
	 * Issue 24: for a Spring cache {@code cache.gets} tagged the cache {@code books}
	 * while {@code cache.operation} tagged it {@code <key-prefix>:books}. Both now use
	 * the cache's name, as Spring Boot tags the meters of the caches it binds.
	 */
	@Test
	void aSpringCacheIsTaggedWithItsNameByObservationsAsByMeters() {
		TestObservationRegistry registry = TestObservationRegistry.create();
		this.contextRunner
			.withConfiguration(AutoConfigurations.of(SpringCacheAutoConfiguration.class,
					org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration.class))
			.withUserConfiguration(SpringCacheAutoConfigurationTests.CachingApplication.class)
			.withBean(ObservationRegistry.class, () -> registry)
			.withBean(io.micrometer.core.instrument.MeterRegistry.class,
					io.micrometer.core.instrument.simple.SimpleMeterRegistry::new)
			.withPropertyValues("app.cache.key-prefix=observation-tags")
			.run((context) -> {
				org.springframework.cache.CacheManager cacheManager = context
					.getBean(org.springframework.cache.CacheManager.class);
				assertThat(cacheManager.getCache("books").get("absent")).isNull();
				io.micrometer.core.instrument.MeterRegistry meters = context
					.getBean(io.micrometer.core.instrument.MeterRegistry.class);
				assertThat(meters.get("cache.gets").tags("cache", "books", "result", "miss").counter().count())
					.isEqualTo(1);
				TestObservationRegistryAssert.assertThat(registry)
					.hasObservationWithNameEqualTo(MicrometerCacheObserver.NAME)
					.that()
					.hasLowCardinalityKeyValue("cache", "books")
					.hasLowCardinalityKeyValue("operation", "get");
			});
	}

	@Test
	void rememberGetAndLockWait_areObserved_loaderSpansAreChildren() {
		String prefix = "observation-tests";
		TestObservationRegistry registry = TestObservationRegistry.create();
		this.contextRunner.withUserConfiguration(Services.class)
			.withBean(ObservationRegistry.class, () -> registry)
			.withPropertyValues("app.cache.key-prefix=" + prefix)
			.run((context) -> {
				try {
					ObservedService service = context.getBean(ObservedService.class);
					Cache cache = context.getBean(Cache.class);
					service.item(7);
					service.item(7);
					cache.get("absent", String.class);
					service.locked();
					try (DistributedLock held = cache.lock("lock:observed", Duration.ofSeconds(30))) {
						held.acquire(Duration.ZERO);
						assertThatExceptionOfType(LockNotAcquiredException.class).isThrownBy(service::locked);
					}
					assertThatIllegalStateException().isThrownBy(() -> service.broken(8));

					TestObservationRegistryAssert.assertThat(registry).hasHandledContextsThatSatisfy((contexts) -> {
						assertThat(contexts).extracting(CacheObservationTests::describe)
							.containsExactly("cache remember result=miss", "db.load parent=cache remember",
									"cache remember result=hit", "cache get result=miss", "cache lock result=acquired",
									"cache lock result=acquired", "cache lock result=not_acquired",
									"cache remember result=error", "db.load parent=cache remember");
						List<Observation.Context> cacheContexts = contexts.stream()
							.filter((observed) -> observed.getName().equals(MicrometerCacheObserver.NAME))
							.toList();
						for (Observation.Context observed : cacheContexts) {
							// low cardinality only, never the key (item:7) or the value
							assertThat(keys(observed)).containsExactly("cache", "operation", "result");
							assertThat(observed.getLowCardinalityKeyValue("cache").getValue()).isEqualTo(prefix);
							assertThat(observed.getHighCardinalityKeyValues()).isEmpty();
						}
					});
					TestObservationRegistryAssert.assertThat(registry)
						.hasAnObservation(
								(observed) -> observed.hasLowCardinalityKeyValue("result", "error").hasError());
				}
				finally {
					TestRedis.flush(prefix);
				}
			});
	}

	@Test
	void noPrefix_isTaggedAsInTheMeters() {
		TestObservationRegistry registry = TestObservationRegistry.create();
		this.contextRunner.withBean(ObservationRegistry.class, () -> registry).run((context) -> {
			context.getBean(Cache.class).get("observation-tests-absent", String.class);
			TestObservationRegistryAssert.assertThat(registry)
				.hasSingleObservationThat()
				.hasLowCardinalityKeyValue("cache", "(none)")
				.hasContextualNameEqualTo("cache get");
		});
	}

	@Test
	void switchedOff_observesNothing() {
		TestObservationRegistry registry = TestObservationRegistry.create();
		this.contextRunner.withUserConfiguration(Services.class)
			.withBean(ObservationRegistry.class, () -> registry)
			.withPropertyValues("app.cache.observations.enabled=false")
			.run((context) -> {
				assertThat(context).doesNotHaveBean(CacheObserver.class);
				context.getBean(Cache.class).get("observation-tests-absent", String.class);
				context.getBean(ObservedService.class).locked();
				TestObservationRegistryAssert.assertThat(registry).doesNotHaveAnyObservation();
			});
	}

	@Test
	void withoutRegistry_theObserverIsTheNoOp() {
		this.contextRunner
			.run((context) -> assertThat(context.getBean(CacheObserver.class)).isSameAs(CacheObserver.NONE));
	}

	@Test
	void withoutMicrometerObservation_noObserverBean() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("io.micrometer.observation"))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(CacheObserver.class));
	}

	private static String describe(Observation.Context observed) {
		if (!observed.getName().equals(MicrometerCacheObserver.NAME)) {
			Observation.ContextView parent = (observed.getParentObservation() != null)
					? observed.getParentObservation().getContextView() : null;
			return observed.getName() + " parent=" + ((parent != null) ? parent.getContextualName() : "none");
		}
		return observed.getContextualName() + " result=" + observed.getLowCardinalityKeyValue("result").getValue();
	}

	private static Set<String> keys(Observation.Context observed) {
		return observed.getLowCardinalityKeyValues()
			.stream()
			.map(KeyValue::getKey)
			.collect(Collectors.toCollection(TreeSet::new));
	}

	@Configuration(proxyBeanMethods = false)
	static class Services {

		@Bean
		ObservedService observedService(ObjectProvider<ObservationRegistry> registry) {
			return new ObservedService(registry.getIfAvailable(() -> ObservationRegistry.NOOP));
		}

	}

	static class ObservedService {

		private final ObservationRegistry registry;

		ObservedService(ObservationRegistry registry) {
			this.registry = registry;
		}

		@Remember(key = "'item:' + #id", ttl = "1m")
		public String item(int id) {
			return Observation.createNotStarted("db.load", this.registry).observe(() -> "item " + id);
		}

		@Remember(key = "'broken:' + #id", ttl = "1m")
		public String broken(int id) {
			return Observation.createNotStarted("db.load", this.registry).observe(() -> failingLoad(id));
		}

		private static String failingLoad(int id) {
			throw new IllegalStateException("database down for " + id);
		}

		@WithLock(key = "'lock:observed'", waitTime = "50ms")
		public void locked() {
		}

	}

}
