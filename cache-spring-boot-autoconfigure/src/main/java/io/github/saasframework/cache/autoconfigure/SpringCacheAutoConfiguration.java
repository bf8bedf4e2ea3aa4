package io.github.saasframework.cache.autoconfigure;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import io.github.saasframework.cache.Cache;
import io.github.saasframework.cache.CacheMetricsRecorder;
import io.github.saasframework.cache.CacheObserver;

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
 * A {@link CachingConfigurer} hands Spring's interceptor a {@link CacheResolver} that
 * types each cache by the invoked method's generic return type (plain JSON without type
 * metadata reads back as the method's type). An application with a
 * {@code CachingConfigurer} of its own returns the {@code redisCacheResolver} bean from
 * its {@code cacheResolver()} to keep that typing.
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
		List<RedisSpringCacheManager.CacheNameListener> listeners = Stream
			.of(recorder, observer.getIfUnique(() -> CacheObserver.NONE))
			.filter(RedisSpringCacheManager.CacheNameListener.class::isInstance)
			.map(RedisSpringCacheManager.CacheNameListener.class::cast)
			.toList();
		RedisSpringCacheManager.CacheNameListener listener = (name, prefix) -> listeners
			.forEach((each) -> each.cacheCreated(name, prefix));
		RedisSpringCacheManager cacheManager = new RedisSpringCacheManager(cache,
				(name) -> CacheSettings.policy(name, properties), names,
				new SpringCacheFailures(properties.getRemember().isFailOpen(), recorder), listener);
		return BootCacheManagerCustomizers.customize(cacheManager, beanFactory);
	}

	@Bean
	@ConditionalOnMissingBean(name = "redisCacheResolver")
	CacheResolver redisCacheResolver(RedisSpringCacheManager cacheManager) {
		return new ReturnTypeCacheResolver(cacheManager);
	}

	@Bean
	@ConditionalOnMissingBean(CachingConfigurer.class)
	CachingConfigurer redisCachingConfigurer(
			@Qualifier("redisCacheResolver") ObjectProvider<CacheResolver> redisCacheResolver) {
		return new CachingConfigurer() {

			@Override
			public CacheResolver cacheResolver() {
				return redisCacheResolver.getObject();
			}

		};
	}

}
