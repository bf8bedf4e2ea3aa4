package io.github.saasframework.cache.autoconfigure;

import java.time.Duration;

import io.github.saasframework.cache.Cache;
import io.github.saasframework.cache.reactive.ReactiveCache;
import io.github.saasframework.cache.testsupport.RedisServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ReactiveCacheAutoConfiguration}, against the shared test
 * {@code redis-server}.
 */
@ExtendWith(RedisServerExtension.class)
class ReactiveCacheAutoConfigurationTests {

	private static final String PREFIX = "reactive-autoconfig";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
				RedisCacheAutoConfiguration.class, ReactiveCacheAutoConfiguration.class))
		.withBean(DataRedisConnectionDetails.class, TestRedis::connectionDetails)
		.withPropertyValues("app.cache.key-prefix=" + PREFIX);

	@AfterEach
	void cleanUp() {
		TestRedis.flush(PREFIX);
	}

	@Test
	void reactiveCacheIsTheFaceOfTheCacheBean() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(ReactiveCache.class);
			ReactiveCache reactive = context.getBean(ReactiveCache.class);
			reactive.set("k", "v").block(Duration.ofSeconds(10));
			assertThat(context.getBean(Cache.class).get("k", String.class)).contains("v");
			assertThat(RedisServerExtension.server().command("EXISTS", PREFIX + ":k")).isEqualTo(":1");
		});
	}

	@Test
	void reactiveCacheBacksOffWhenUserDefinesOne() {
		this.contextRunner.withUserConfiguration(UserReactiveCache.class)
			.run((context) -> assertThat(context).getBean(ReactiveCache.class)
				.isSameAs(context.getBean(UserReactiveCache.class).cache));
	}

	@Test
	void noReactiveCacheWithoutReactor() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(Mono.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(Cache.class)
				.doesNotHaveBean(ReactiveCache.class));
	}

	@Test
	void noReactiveCacheWhenDisabled() {
		this.contextRunner.withPropertyValues("app.cache.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(ReactiveCache.class));
	}

	@Configuration(proxyBeanMethods = false)
	static class UserReactiveCache {

		ReactiveCache cache;

		@Bean
		ReactiveCache myReactiveCache(Cache cache) {
			this.cache = ReactiveCache.of(cache.withPrefix("mine"));
			return this.cache;
		}

	}

}
