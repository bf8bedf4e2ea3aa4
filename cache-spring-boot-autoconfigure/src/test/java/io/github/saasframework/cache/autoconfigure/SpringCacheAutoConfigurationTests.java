package io.github.saasframework.cache.autoconfigure;

import io.github.saasframework.cache.interceptor.InvalidCacheConfigurationException;
import io.github.saasframework.cache.spring.RedisSpringCacheManager;
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

import io.github.saasframework.cache.Cache;
import io.github.saasframework.cache.testsupport.RedisClusterExtension;
import io.github.saasframework.cache.testsupport.RedisSentinelProcesses;
import io.github.saasframework.cache.testsupport.RedisServerExtension;
import io.github.saasframework.cache.testsupport.RedisServerProcess;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.cache.autoconfigure.CacheManagerCustomizer;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.CachingConfigurer;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.concurrent.ConcurrentMapCacheManager;
import org.springframework.cache.interceptor.CacheResolver;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.dao.DataAccessException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * When the starter's {@code CacheManager} exists and when it backs off; {@code sync =
 * true} across two application contexts; Redis failures; Redis Cluster and Sentinel.
 */
@ExtendWith({ RedisServerExtension.class, RedisClusterExtension.class })
class SpringCacheAutoConfigurationTests {

	/** With Boot's own cache auto-configuration, as in an application that has it. */
	private final ApplicationContextRunner anyRedis = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
				RedisCacheAutoConfiguration.class, SpringCacheAutoConfiguration.class, CacheAutoConfiguration.class));

	private final ApplicationContextRunner contextRunner = this.anyRedis.withBean(DataRedisConnectionDetails.class,
			TestRedis::connectionDetails);

	// ---------------------------------------------------------------- conditions

	@Test
	void enableCaching_givesTheStartersCacheManager_andBootsOwnBacksOff() {
		this.contextRunner.withUserConfiguration(CachingApplication.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).getBean(CacheManager.class).isInstanceOf(RedisSpringCacheManager.class);
			assertThat(context).hasSingleBean(CachingConfigurer.class);
			RedisSpringCacheManager manager = context.getBean(RedisSpringCacheManager.class);
			assertThat(context.getBean(CachingConfigurer.class).cacheResolver()).isSameAs(manager.cacheResolver());
			assertThat(context.getBean(CachingConfigurer.class).errorHandler()).isSameAs(manager.errorHandler());
		});
	}

	/**
	 * Issue 24: Boot's {@code CacheManagerCustomizer} beans were not applied (Boot's
	 * {@code CacheAutoConfiguration} backs off for the starter's manager, and its
	 * customizers bean with it).
	 */
	@Test
	void bootsCacheManagerCustomizersAreAppliedByGenericType() {
		this.contextRunner.withUserConfiguration(CachingApplication.class, Customizers.class).run((context) -> {
			assertThat(context).hasNotFailed();
			CacheManager cacheManager = context.getBean(CacheManager.class);
			assertThat(context.getBean(Customizers.class).customized).containsExactly("first:" + cacheManager,
					"second:" + cacheManager);
		});
	}

	@Test
	void withoutEnableCaching_thereIsNoCacheManager() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(CacheManager.class);
			assertThat(context).hasSingleBean(Cache.class);
		});
	}

	@Test
	void backsOff_whenDisabled() {
		this.contextRunner.withUserConfiguration(CachingApplication.class)
			.withPropertyValues("app.cache.spring-cache.enabled=false")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(RedisSpringCacheManager.class);
				assertThat(context).doesNotHaveBean(CachingConfigurer.class);
				// Boot's own auto-configuration takes over, as without this starter
				assertThat(context).hasSingleBean(CacheManager.class);
			});
	}

	@Test
	void backsOff_forTheApplicationsOwnCacheManager() {
		this.contextRunner.withUserConfiguration(CachingApplication.class, OwnCacheManager.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).getBean(CacheManager.class).isInstanceOf(ConcurrentMapCacheManager.class);
			assertThat(context).doesNotHaveBean(CachingConfigurer.class);
			assertThat(context).doesNotHaveBean("redisCacheResolver");
		});
	}

	@Test
	void backsOff_whenSpringCacheTypeNamesAnotherType_andNotForRedis() {
		this.contextRunner.withUserConfiguration(CachingApplication.class)
			.withPropertyValues("spring.cache.type=simple")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).getBean(CacheManager.class).isInstanceOf(ConcurrentMapCacheManager.class);
			});
		this.contextRunner.withUserConfiguration(CachingApplication.class)
			.withPropertyValues("spring.cache.type=redis")
			.run((context) -> assertThat(context).getBean(CacheManager.class)
				.isInstanceOf(RedisSpringCacheManager.class));
	}

	@Test
	void anApplicationsCachingConfigurer_winsAndCanUseTheResolverBean() {
		this.contextRunner.withUserConfiguration(CachingApplication.class, OwnCachingConfigurer.class)
			.withPropertyValues("app.cache.key-prefix=springcache-own-configurer")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).hasSingleBean(CachingConfigurer.class);
				assertThat(context).getBean(CachingConfigurer.class).isInstanceOf(OwnCachingConfigurer.class);
				Books books = context.getBean(Books.class);
				assertThat(books.find(1)).isEqualTo(new Book(1, "title-1"));
				assertThat(books.find(1)).isEqualTo(new Book(1, "title-1"));
				assertThat(books.calls()).hasValue(1);
				context.getBean(Cache.class).flushPrefix();
			});
	}

	/**
	 * An application's own {@code CachingConfigurer.errorHandler()} sees the Spring
	 * cache's failures (here a WRONGTYPE reply) and decides: this one swallows them, so
	 * the method runs.
	 */
	@Test
	void anApplicationsErrorHandler_seesTheFailures() {
		this.contextRunner.withUserConfiguration(CachingApplication.class, OwnCachingConfigurer.class)
			.withPropertyValues("app.cache.key-prefix=springcache-own-handler")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				try (org.springframework.data.redis.connection.RedisConnection connection = context
					.getBean(org.springframework.data.redis.connection.RedisConnectionFactory.class)
					.getConnection()) {
					connection.hashCommands()
						.hSet("springcache-own-handler:books:5".getBytes(java.nio.charset.StandardCharsets.UTF_8),
								"f".getBytes(java.nio.charset.StandardCharsets.UTF_8),
								"v".getBytes(java.nio.charset.StandardCharsets.UTF_8));
				}
				Books books = context.getBean(Books.class);
				assertThat(books.find(5)).isEqualTo(new Book(5, "title-5"));
				OwnCachingConfigurer configurer = context.getBean(OwnCachingConfigurer.class);
				assertThat(configurer.getErrors).as("the application's handler saw the read failure").hasValue(1);
				assertThat(books.calls()).hasValue(1);
				context.getBean(Cache.class).flushPrefix();
			});
	}

	@Test
	void aBadCacheTtl_failsStartupNamingTheProperty() {
		this.contextRunner.withUserConfiguration(CachingApplication.class)
			.withPropertyValues("app.cache.caches.books.ttl=-5s")
			.run((context) -> {
				assertThat(context).hasFailed();
				Throwable failure = context.getStartupFailure();
				while (failure != null && !(failure instanceof InvalidCacheConfigurationException)) {
					failure = failure.getCause();
				}
				assertThat(failure).isInstanceOf(InvalidCacheConfigurationException.class)
					.hasMessageContaining("app.cache.caches.books.ttl");
			});
	}

	@Test
	void aRefreshAfterNotShorterThanTheCachesTtl_failsStartupNamingTheProperty() {
		this.contextRunner.withUserConfiguration(CachingApplication.class)
			.withPropertyValues("app.cache.caches.books.ttl=1m", "app.cache.caches.books.refresh-after=1m")
			.run((context) -> {
				assertThat(context).hasFailed();
				Throwable failure = context.getStartupFailure();
				while (failure != null && !(failure instanceof InvalidCacheConfigurationException)) {
					failure = failure.getCause();
				}
				assertThat(failure).isInstanceOf(InvalidCacheConfigurationException.class)
					.hasMessageContaining("app.cache.caches.books.refresh-after")
					.hasMessageContaining("shorter than the TTL");
			});
	}

	@Test
	void refreshAfter_aStaleSyncHitAnswersTheStoredValueAndReloadsItInTheBackground() {
		this.contextRunner.withUserConfiguration(CachingApplication.class)
			.withPropertyValues("app.cache.key-prefix=spring-refresh", "app.cache.caches.books.ttl=1m",
					"app.cache.caches.books.refresh-after=1s")
			.run((context) -> {
				Books books = context.getBean(Books.class);
				Cache cache = context.getBean(Cache.class).withPrefix("books");
				try {
					assertThat(books.versioned(7)).isEqualTo(new Book(7, "v1"));
					assertThat(books.versioned(7)).isEqualTo(new Book(7, "v1"));
					assertThat(books.calls()).hasValue(1);
					// age the entry past refresh-after without waiting: 58 s of 60 s left
					cache.expire("7", Duration.ofSeconds(58));
					assertThat(books.versioned(7)).as("a stale hit answers the stored value")
						.isEqualTo(new Book(7, "v1"));
					Awaitility.await()
						.atMost(Duration.ofSeconds(10))
						.until(() -> cache.get("7", Book.class).map(Book::title).orElse(""), "v2"::equals);
					assertThat(cache.getTtl("7")).hasValueSatisfying(
							(ttl) -> assertThat(ttl).as("a fresh TTL").isGreaterThan(Duration.ofSeconds(58)));
					assertThat(books.calls()).hasValue(2);
				}
				finally {
					cache.flushPrefix();
				}
			});
	}

	// ---------------------------------------------------------------- sync = true

	@Test
	void syncCacheable_runsTheMethodOncePerKey_acrossTwoApplications() throws Exception {
		String[] properties = { "app.cache.key-prefix=springcache-stampede" };
		try (ConfigurableApplicationContext first = start(properties);
				ConfigurableApplicationContext second = start(properties)) {
			Books one = first.getBean(Books.class);
			Books two = second.getBean(Books.class);
			CountDownLatch go = new CountDownLatch(1);
			ExecutorService callers = Executors.newFixedThreadPool(200);
			try {
				List<Future<Book>> results = new ArrayList<>();
				for (int i = 0; i < 200; i++) {
					Books books = (i % 2 == 0) ? one : two;
					results.add(callers.submit(() -> {
						go.await();
						return books.slow(42);
					}));
				}
				go.countDown();
				for (Future<Book> result : results) {
					assertThat(result.get(20, TimeUnit.SECONDS)).isEqualTo(new Book(42, "title-42"));
				}
			}
			finally {
				callers.shutdownNow();
			}
			assertThat(one.calls().get() + two.calls().get()).as("method runs for 2 x 100 callers").isEqualTo(1);
			first.getBean(Cache.class).flushPrefix();
		}
	}

	@Test
	void syncCacheable_otherKeysNeverWaitForALoad() throws Exception {
		this.contextRunner.withUserConfiguration(CachingApplication.class)
			.withPropertyValues("app.cache.key-prefix=springcache-other-keys")
			.run((context) -> {
				Books books = context.getBean(Books.class);
				CompletableFuture<Book> blocked = CompletableFuture.supplyAsync(() -> books.blocking(1));
				try {
					assertThat(books.entered().await(10, TimeUnit.SECONDS)).as("the load of key 1 runs").isTrue();
					// key 2 answers while key 1's load is still running
					assertThat(CompletableFuture.supplyAsync(() -> books.blocking(2)).get(10, TimeUnit.SECONDS))
						.isEqualTo(new Book(2, "title-2"));
					assertThat(blocked).isNotDone();
				}
				finally {
					books.release().countDown();
				}
				assertThat(blocked.get(10, TimeUnit.SECONDS)).isEqualTo(new Book(1, "title-1"));
				context.getBean(Cache.class).flushPrefix();
			});
	}

	// ---------------------------------------------------------------- failures

	@Test
	void redisStalled_cacheableAnswersFromTheMethod_evictsAndPutsDoNotThrow_andFailuresAreCounted() throws Exception {
		try (RedisServerProcess server = RedisServerProcess.start()) {
			new ApplicationContextRunner()
				.withConfiguration(
						AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
								RedisCacheAutoConfiguration.class, SpringCacheAutoConfiguration.class))
				.withBean(DataRedisConnectionDetails.class, () -> TestRedis.connectionDetails(server.port()))
				.withUserConfiguration(CachingApplication.class)
				.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
				.withPropertyValues("spring.data.redis.timeout=300ms", "app.cache.key-prefix=springcache-stall")
				.run((context) -> {
					Books books = context.getBean(Books.class);
					assertThat(books.find(1)).isEqualTo(new Book(1, "title-1"));
					signal(server, "STOP");
					try {
						assertThat(books.find(2)).isEqualTo(new Book(2, "title-2"));
						assertThat(books.slow(3)).isEqualTo(new Book(3, "title-3"));
						assertThatCode(() -> books.evict(1)).doesNotThrowAnyException();
						assertThatCode(() -> books.evictAll()).doesNotThrowAnyException();
						assertThatCode(() -> books.replace(4, "x")).doesNotThrowAnyException();
						// below Spring's interceptor the cache throws: the error handler
						// decides
						assertThatExceptionOfType(DataAccessException.class).isThrownBy(
								() -> context.getBean(CacheManager.class).getCache("books").put(4, new Book(4, "x")));
					}
					finally {
						signal(server, "CONT");
					}
					assertThat(context.getBean(MeterRegistry.class)
						.get("cache.fail.open")
						.tag("cache", "books")
						.counters()
						.stream()
						.mapToDouble((counter) -> counter.count())
						.sum()).isGreaterThanOrEqualTo(5);
					assertThat(books.calls()).hasValue(3);
					// and once Redis is back, the cache is used again
					assertThat(books.find(5)).isEqualTo(new Book(5, "title-5"));
					assertThat(books.find(5)).isEqualTo(new Book(5, "title-5"));
					assertThat(books.calls()).hasValue(4);
				});
		}
	}

	@Test
	void failOpenOff_aFailedReadIsThrown() throws Exception {
		try (RedisServerProcess server = RedisServerProcess.start()) {
			new ApplicationContextRunner()
				.withConfiguration(
						AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
								RedisCacheAutoConfiguration.class, SpringCacheAutoConfiguration.class))
				.withBean(DataRedisConnectionDetails.class, () -> TestRedis.connectionDetails(server.port()))
				.withUserConfiguration(CachingApplication.class)
				.withPropertyValues("spring.data.redis.timeout=300ms", "app.cache.remember.fail-open=false")
				.run((context) -> {
					Books books = context.getBean(Books.class);
					server.stop();
					assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> books.find(1)))
						.isInstanceOf(org.springframework.dao.DataAccessException.class);
					assertThat(books.calls()).hasValue(0);
				});
		}
	}

	// ---------------------------------------------------------------- topologies

	@Test
	void redisCluster_cacheableAndEvictAllEntries() {
		this.anyRedis.withUserConfiguration(CachingApplication.class)
			.withPropertyValues("spring.data.redis.cluster.nodes=" + RedisClusterExtension.cluster().nodesProperty(),
					"app.cache.key-prefix=springcache-cluster")
			.run((context) -> exerciseCacheable(context, 60));
	}

	@Test
	void sentinel_cacheableOnTheCurrentMaster() {
		try (RedisSentinelProcesses sentinel = RedisSentinelProcesses.start()) {
			new ApplicationContextRunner()
				.withConfiguration(
						AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
								RedisCacheAutoConfiguration.class, SpringCacheAutoConfiguration.class))
				.withUserConfiguration(CachingApplication.class)
				.withPropertyValues("spring.data.redis.sentinel.master=" + RedisSentinelProcesses.MASTER_NAME,
						"spring.data.redis.sentinel.nodes=" + sentinel.nodesProperty(),
						"app.cache.key-prefix=springcache-sentinel")
				.run((context) -> {
					exerciseCacheable(context, 10);
					context.getBean(Books.class).find(1);
					assertThat(sentinel.initialMaster().command("EXISTS", "springcache-sentinel:books:1"))
						.isEqualTo(":1");
					context.getBean(Cache.class).flushPrefix();
				});
		}
	}

	private static void exerciseCacheable(AssertableApplicationContext context, int count) {
		assertThat(context).hasNotFailed();
		Books books = context.getBean(Books.class);
		Cache cache = context.getBean(Cache.class);
		for (int i = 0; i < count; i++) {
			books.find(i);
			books.find(i);
			assertThat(books.slow(1000 + i)).isEqualTo(new Book(1000 + i, "title-" + (1000 + i)));
		}
		assertThat(books.calls()).hasValue(2 * count);
		assertThat(cache.keys("books:*")).hasSize(2 * count);
		cache.set("other", "kept");
		books.evictAll();
		assertThat(cache.keys("books:*")).isEmpty();
		assertThat(cache.get("other", String.class)).contains("kept");
		cache.flushPrefix();
	}

	private ConfigurableApplicationContext start(String... properties) {
		List<ConfigurableApplicationContext> holder = new ArrayList<>();
		// a context that outlives the runner's callback: build it by hand
		org.springframework.boot.SpringApplication application = new org.springframework.boot.SpringApplication(
				StandaloneApplication.class);
		application.setWebApplicationType(org.springframework.boot.WebApplicationType.NONE);
		application.setDefaultProperties(java.util.Map.of("spring.main.banner-mode", "off"));
		List<String> args = new ArrayList<>();
		for (String property : properties) {
			args.add("--" + property);
		}
		holder.add(application.run(args.toArray(new String[0])));
		return holder.get(0);
	}

	private static void signal(RedisServerProcess server, String signal) throws Exception {
		Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(server.pid())).start();
		assertThat(kill.waitFor(5, TimeUnit.SECONDS)).isTrue();
		assertThat(kill.exitValue()).isZero();
	}

	record Book(long id, String title) {
	}

	static class Books {

		final AtomicInteger calls = new AtomicInteger();

		final CountDownLatch entered = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		public AtomicInteger calls() {
			return this.calls;
		}

		public CountDownLatch entered() {
			return this.entered;
		}

		public CountDownLatch release() {
			return this.release;
		}

		@Cacheable("books")
		public Book find(long id) {
			this.calls.incrementAndGet();
			return new Book(id, "title-" + id);
		}

		@Cacheable(cacheNames = "books", sync = true)
		public Book slow(long id) {
			this.calls.incrementAndGet();
			try {
				Thread.sleep(200);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return new Book(id, "title-" + id);
		}

		@Cacheable(cacheNames = "blocking", sync = true)
		public Book blocking(long id) {
			if (id == 1) {
				this.entered.countDown();
				try {
					this.release.await(20, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			return new Book(id, "title-" + id);
		}

		@Cacheable(cacheNames = "books", sync = true)
		public Book versioned(long id) {
			return new Book(id, "v" + this.calls.incrementAndGet());
		}

		@CacheEvict("books")
		public void evict(long id) {
		}

		@CacheEvict(cacheNames = "books", allEntries = true)
		public void evictAll() {
		}

		@org.springframework.cache.annotation.CachePut(cacheNames = "books", key = "#id")
		public Book replace(long id, String title) {
			return new Book(id, title);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	static class CachingApplication {

		@Bean
		Books books() {
			return new Books();
		}

	}

	@org.springframework.boot.SpringBootConfiguration
	@org.springframework.boot.autoconfigure.EnableAutoConfiguration
	@EnableCaching
	static class StandaloneApplication {

		@Bean
		Books books() {
			return new Books();
		}

		@Bean
		DataRedisConnectionDetails redisConnectionDetails() {
			return TestRedis.connectionDetails();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnCacheManager {

		@Bean
		CacheManager cacheManager() {
			return new ConcurrentMapCacheManager();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Customizers {

		final List<String> customized = new java.util.concurrent.CopyOnWriteArrayList<>();

		@Bean
		@org.springframework.core.annotation.Order(2)
		CacheManagerCustomizer<CacheManager> second() {
			return (cacheManager) -> this.customized.add("second:" + cacheManager);
		}

		@Bean
		@org.springframework.core.annotation.Order(1)
		CacheManagerCustomizer<org.springframework.cache.support.AbstractCacheManager> first() {
			return (cacheManager) -> this.customized.add("first:" + cacheManager);
		}

		@Bean
		CacheManagerCustomizer<ConcurrentMapCacheManager> otherType() {
			return (cacheManager) -> this.customized.add("not for this manager type");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnCachingConfigurer implements CachingConfigurer {

		private final org.springframework.beans.factory.ObjectProvider<CacheResolver> resolver;

		OwnCachingConfigurer(
				@org.springframework.beans.factory.annotation.Qualifier("redisCacheResolver") org.springframework.beans.factory.ObjectProvider<CacheResolver> resolver) {
			this.resolver = resolver;
		}

		@Override
		public CacheResolver cacheResolver() {
			return this.resolver.getObject();
		}

		final AtomicInteger getErrors = new AtomicInteger();

		@Override
		public org.springframework.cache.interceptor.CacheErrorHandler errorHandler() {
			return new org.springframework.cache.interceptor.SimpleCacheErrorHandler() {

				@Override
				public void handleCacheGetError(RuntimeException exception, org.springframework.cache.Cache cache,
						Object key) {
					OwnCachingConfigurer.this.getErrors.incrementAndGet();
				}

				@Override
				public void handleCachePutError(RuntimeException exception, org.springframework.cache.Cache cache,
						Object key, Object value) {
				}

			};
		}

	}

}
