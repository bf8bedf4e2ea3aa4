package io.github.saasframework.cache.benchmarks;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.saasframework.cache.autoconfigure.RedisCacheAutoConfiguration;
import io.github.saasframework.cache.autoconfigure.SpringCacheAutoConfiguration;
import reactor.core.publisher.Mono;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.data.redis.cache.RedisCacheConfiguration;
import org.springframework.data.redis.cache.RedisCacheManager;
import org.springframework.data.redis.cache.RedisCacheWriter;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.serializer.JacksonJsonRedisSerializer;
import org.springframework.data.redis.serializer.RedisSerializationContext.SerializationPair;

/**
 * Spring Boot applications with {@code @EnableCaching} and the same {@code @Cacheable}
 * bean, on this library's {@code CacheManager} (the starter's auto-configuration, no Java
 * cache configuration) or on Spring's {@link RedisCacheManager} (JSON values typed
 * {@link Payload}, immediate writes, as {@link Contenders.SpringCache}).
 */
public final class SpringCacheApps {

	/** The cache the hit benchmark reads. */
	public static final String HIT_CACHE = "bench-hit";

	/** The cache the hit benchmark of a {@code Mono} method reads. */
	public static final String MONO_HIT_CACHE = "bench-mono-hit";

	/** The cache of the stampede. */
	public static final String STAMPEDE_CACHE = "bench-stampede";

	private SpringCacheApps() {
	}

	/**
	 * Starts an application on this library's {@code CacheManager}.
	 * @param loadTime how long a load of {@link Payloads#load(String)} takes
	 * @return the context; close it
	 */
	public static ConfigurableApplicationContext ours(Duration loadTime) {
		return start(OursApplication.class, loadTime);
	}

	/**
	 * Starts an application on Spring's {@code RedisCacheManager}.
	 * @param loadTime how long a load of {@link Payloads#load(String)} takes
	 * @return the context; close it
	 */
	public static ConfigurableApplicationContext spring(Duration loadTime) {
		return start(SpringApplication.class, loadTime);
	}

	private static ConfigurableApplicationContext start(Class<?> application, Duration loadTime) {
		return new SpringApplicationBuilder(application).web(WebApplicationType.NONE)
			.properties(Map.of("spring.main.banner-mode", "off", "spring.main.log-startup-info", "false",
					"spring.data.redis.host", "127.0.0.1", "spring.data.redis.port", String.valueOf(Connections.port()),
					"app.cache.key-prefix", Connections.PREFIX, "app.cache.default-ttl", "1h", "bench.load-time",
					loadTime.toMillis() + "ms"))
			.run();
	}

	/** The cached bean: the same in both applications. */
	public static class Payloads {

		private final AtomicInteger loads = new AtomicInteger();

		private final Duration loadTime;

		Payloads(Duration loadTime) {
			this.loadTime = loadTime;
		}

		/**
		 * A hit in the benchmark: the value is cached in the setup.
		 * @param key the key
		 * @return the payload
		 */
		@Cacheable(HIT_CACHE)
		public Payload get(String key) {
			this.loads.incrementAndGet();
			return Payload.sample();
		}

		/**
		 * A hit of a reactive method in the benchmark: Spring caches the value the
		 * {@code Mono} emits and reads it through {@code Cache.retrieve}.
		 * @param key the key
		 * @return the payload
		 */
		@Cacheable(MONO_HIT_CACHE)
		public Mono<Payload> getMono(String key) {
			return Mono.fromSupplier(() -> {
				this.loads.incrementAndGet();
				return Payload.sample();
			});
		}

		/**
		 * A slow load, once per key across all instances if the cache can.
		 * @param key the key
		 * @return the payload
		 */
		@Cacheable(cacheNames = STAMPEDE_CACHE, sync = true)
		public Payload load(String key) {
			this.loads.incrementAndGet();
			try {
				Thread.sleep(this.loadTime.toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return Payload.sample();
		}

		/**
		 * How many times a method body ran.
		 * @return the count
		 */
		public int loads() {
			return this.loads.get();
		}

	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ DataRedisAutoConfiguration.class, RedisCacheAutoConfiguration.class,
			SpringCacheAutoConfiguration.class })
	@EnableCaching
	static class OursApplication {

		@Bean
		Payloads payloads(org.springframework.core.env.Environment environment) {
			return new Payloads(environment.getRequiredProperty("bench.load-time", Duration.class));
		}

	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@ImportAutoConfiguration(DataRedisAutoConfiguration.class)
	@EnableCaching
	static class SpringApplication {

		@Bean
		Payloads payloads(org.springframework.core.env.Environment environment) {
			return new Payloads(environment.getRequiredProperty("bench.load-time", Duration.class));
		}

		@Bean
		RedisCacheManager cacheManager(RedisConnectionFactory factory) {
			RedisCacheConfiguration config = RedisCacheConfiguration.defaultCacheConfig()
				.entryTtl(Connections.TTL)
				.serializeValuesWith(SerializationPair.fromSerializer(new JacksonJsonRedisSerializer<>(Payload.class)));
			RedisCacheWriter writer = RedisCacheWriter.create(factory, (writes) -> writes.immediateWrites());
			return RedisCacheManager.builder(writer).cacheDefaults(config).build();
		}

	}

}
