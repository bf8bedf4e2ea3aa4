package io.github.saasframework.cache.autoconfigure;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import io.github.saasframework.cache.Cache;
import io.github.saasframework.cache.CacheMetricsRecorder;
import io.github.saasframework.cache.CacheObserver;
import io.github.saasframework.cache.spring.RedisSpringCacheManager;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.CachingConfigurer;
import org.springframework.cache.interceptor.CacheAspectSupport;
import org.springframework.cache.interceptor.CacheErrorHandler;
import org.springframework.cache.interceptor.CacheResolver;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Spring's cache abstraction ({@code @Cacheable}, {@code @CachePut}, {@code @CacheEvict})
 * on the library's {@link Cache} bean: with {@code @EnableCaching} and no
 * {@link CacheManager} of the application's own, a {@code CacheManager} whose cache
 * {@code N} is {@code cache.withPrefix(N)}, so it shares the connection, prefix,
 * serializer, meters and resilience settings of the {@code Cache} bean. It runs before
 * Spring Boot's own cache auto-configuration, which then backs off. Off with
 * {@code app.cache.spring-cache.enabled=false}, or when {@code spring.cache.type} names
 * another cache type than {@code redis}.
 * <p>
 * A {@link CachingConfigurer} hands Spring's interceptor the manager's
 * {@link CacheResolver} (each cache typed by the invoked method's generic return type:
 * plain JSON without type metadata reads back as the method's type) and its
 * {@link CacheErrorHandler} (fail-open on outages only, the library's one fault policy).
 * An application with a {@code CachingConfigurer} of its own returns the
 * {@code redisCacheResolver} and {@code redisCacheErrorHandler} beans from it to keep
 * both.
 * <p>
 * Spring Boot's {@code CacheManagerCustomizer} beans are applied to the
 * {@code CacheManager}, and, with Actuator, its caches are listed by the {@code caches}
 * endpoint (the starter brings Spring Boot's {@code spring-boot-cache} module, which
 * holds both).
 *
 * @since 0.2.0
 */
@AutoConfiguration(after = RedisCacheAutoConfiguration.class,
		beforeName = "org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration")
@ConditionalOnClass({ CacheManager.class, CacheAspectSupport.class })
@ConditionalOnBooleanProperty(name = "app.cache.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(name = "app.cache.spring-cache.enabled", matchIfMissing = true)
@ConditionalOnProperty(name = "spring.cache.type", havingValue = "redis", matchIfMissing = true)
@ConditionalOnBean({ CacheAspectSupport.class, Cache.class, RedisCacheProperties.class })
@ConditionalOnMissingBean(CacheManager.class)
public final class SpringCacheAutoConfiguration {

	SpringCacheAutoConfiguration() {
	}

	@Bean
	RedisSpringCacheManager cacheManager(Cache cache, RedisCacheProperties properties, Environment environment,
			ObjectProvider<CacheMetricsRecorder> metricsRecorder, ObjectProvider<CacheObserver> observer,
			BeanFactory beanFactory) {
		Set<String> names = new LinkedHashSet<>(Binder.get(environment)
			.bind("spring.cache.cache-names", Bindable.listOf(String.class))
			.orElse(List.of()));
		names.addAll(properties.getCaches().keySet());
		// every configured cache's settings are checked now: a bad one fails startup
		// naming its property
		properties.getCaches().keySet().forEach((name) -> CacheSettings.policy(name, properties));
		CacheMetricsRecorder recorder = metricsRecorder.getIfUnique(() -> CacheMetricsRecorder.NONE);
		// the meters and the observations of a Spring cache are tagged with its name
		List<CacheNameListener> listeners = Stream.of(recorder, observer.getIfUnique(() -> CacheObserver.NONE))
			.filter(CacheNameListener.class::isInstance)
			.map(CacheNameListener.class::cast)
			.toList();
		RedisSpringCacheManager cacheManager = RedisSpringCacheManager.builder(cache)
			.policies((name) -> CacheSettings.policy(name, properties))
			.initialCacheNames(names)
			.cacheCreatedListener((name, prefix) -> listeners.forEach((each) -> each.cacheCreated(name, prefix)))
			.build();
		return BootCacheManagerCustomizers.customize(cacheManager, beanFactory);
	}

	@Bean
	@ConditionalOnMissingBean(name = "redisCacheResolver")
	CacheResolver redisCacheResolver(RedisSpringCacheManager cacheManager) {
		return cacheManager.cacheResolver();
	}

	@Bean
	@ConditionalOnMissingBean(name = "redisCacheErrorHandler")
	CacheErrorHandler redisCacheErrorHandler(RedisSpringCacheManager cacheManager) {
		return cacheManager.errorHandler();
	}

	/**
	 * Hands Spring's interceptor the typed resolver and the error handler of the
	 * starter's manager. An application with a {@code CachingConfigurer} of its own keeps
	 * both by returning the {@code redisCacheResolver} and {@code redisCacheErrorHandler}
	 * beans from it; its own {@code errorHandler()} is honoured as it is.
	 */
	@Bean
	@ConditionalOnMissingBean(CachingConfigurer.class)
	CachingConfigurer redisCachingConfigurer(
			@Qualifier("redisCacheResolver") ObjectProvider<CacheResolver> redisCacheResolver,
			@Qualifier("redisCacheErrorHandler") ObjectProvider<CacheErrorHandler> redisCacheErrorHandler) {
		return new CachingConfigurer() {

			@Override
			public CacheResolver cacheResolver() {
				return redisCacheResolver.getObject();
			}

			@Override
			public CacheErrorHandler errorHandler() {
				return redisCacheErrorHandler.getObject();
			}

		};
	}

}
