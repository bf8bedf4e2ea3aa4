package io.github.saasframework.cache.autoconfigure;

import io.github.saasframework.cache.Cache;
import io.github.saasframework.cache.reactive.ReactiveCache;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * A {@link ReactiveCache} bean on the {@link Cache} bean when Project Reactor is on the
 * classpath (a WebFlux application): the {@code Mono}/{@code Flux} face of the same
 * cache, sharing its connection, prefix, serializer, near cache, meters and resilience
 * settings. Backs off when the application defines its own {@code ReactiveCache}.
 *
 * @since 0.3.0
 */
@AutoConfiguration(after = RedisCacheAutoConfiguration.class)
@ConditionalOnClass(name = "reactor.core.publisher.Mono")
@ConditionalOnBooleanProperty(name = "app.cache.enabled", matchIfMissing = true)
@ConditionalOnBean(Cache.class)
public final class ReactiveCacheAutoConfiguration {

	ReactiveCacheAutoConfiguration() {
	}

	@Bean
	@ConditionalOnMissingBean
	ReactiveCache reactiveCache(Cache cache) {
		return ReactiveCache.of(cache);
	}

}
