package io.github.saasframework.cache.starter;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.saasframework.cache.Cache;
import io.github.saasframework.cache.test.AutoConfigureTestRedis;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.cache.actuate.endpoint.CachesEndpoint;
import org.springframework.boot.cache.actuate.endpoint.CachesEndpoint.CacheDescriptor;
import org.springframework.boot.cache.autoconfigure.CacheManagerCustomizer;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an application gets with only this starter and Spring Boot's Actuator starter on
 * its classpath (this module's test classpath), against a real {@code redis-server}
 * ({@link AutoConfigureTestRedis}). Issue 24: {@code /actuator/caches} answered 404 until
 * the application added {@code spring-boot-cache} by hand, and Boot's
 * {@code CacheManagerCustomizer} beans were not applied to the starter's
 * {@code CacheManager}.
 */
@SpringBootTest(properties = { "management.endpoints.web.exposure.include=caches", "app.cache.key-prefix=starter",
		"app.cache.caches.books.ttl=2m", "spring.cache.cache-names=authors" })
@AutoConfigureTestRedis
class StarterTests {

	@Autowired
	private CachesEndpoint cachesEndpoint;

	@Autowired
	private CacheManager cacheManager;

	@Autowired
	private Cache cache;

	@Autowired
	private Application application;

	@Test
	void cachesEndpointListsTheStartersCaches() {
		Map<String, CacheDescriptor> caches = this.cachesEndpoint.caches()
			.getCacheManagers()
			.get("cacheManager")
			.getCaches();
		assertThat(caches).containsKeys("books", "authors");
		assertThat(caches.get("books").getTarget()).isNotBlank();
	}

	@Test
	void cachesEndpointClearsACacheInRedis() {
		this.cacheManager.getCache("books").put("42", "The Hobbit");
		assertThat(this.cache.withPrefix("books").exists("42")).isOne();
		assertThat(this.cachesEndpoint.clearCache("books", null)).isTrue();
		assertThat(this.cache.withPrefix("books").exists("42")).isZero();
	}

	@Test
	void cacheManagerCustomizersAreApplied() {
		assertThat(this.application.customized).containsExactly(this.cacheManager);
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@EnableCaching
	static class Application {

		final List<CacheManager> customized = new CopyOnWriteArrayList<>();

		@Bean
		CacheManagerCustomizer<CacheManager> recordingCustomizer() {
			return this.customized::add;
		}

	}

}
