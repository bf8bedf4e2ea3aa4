package io.github.saasframework.cache.autoconfigure;

import java.time.Duration;

import io.github.saasframework.cache.Cache;
import io.github.saasframework.cache.CacheMetricsRecorder;
import io.github.saasframework.cache.CacheObserver;
import io.github.saasframework.cache.RedisCache;
import io.github.saasframework.cache.annotation.Forget;
import io.github.saasframework.cache.annotation.Remember;
import io.github.saasframework.cache.annotation.WithLock;
import io.github.saasframework.cache.interceptor.AnnotationOperationSource;
import io.github.saasframework.cache.interceptor.CacheAnnotationAdvisors;
import io.github.saasframework.cache.serializer.CacheSerializer;
import io.github.saasframework.cache.serializer.GoDurationModule;
import io.github.saasframework.cache.serializer.JsonCacheSerializer;
import io.github.saasframework.cache.serializer.StringCacheSerializer;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.aop.Advisor;
import org.springframework.aop.config.AopConfigUtils;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import org.springframework.context.annotation.ImportRuntimeHints;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisTemplate;

/**
 * Auto-configuration of the Redis {@link Cache}: the {@code Cache} and
 * {@link CacheSerializer} beans bound to {@code app.cache.*}, the advisors of
 * {@link Remember @Remember}, {@link WithLock @WithLock} and {@link Forget @Forget}, and,
 * when their libraries are present, Micrometer meters, Micrometer observations (trace
 * spans) of get, remember and lock waits, and a health indicator. Every bean backs off
 * when the application defines its own, and {@code app.cache.enabled=false} switches all
 * of them off.
 *
 * @since 0.1.0
 */
@AutoConfiguration(afterName = { "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
		"org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration" })
@ConditionalOnClass({ RedisConnectionFactory.class, RedisTemplate.class })
@ConditionalOnBooleanProperty(name = "app.cache.enabled", matchIfMissing = true)
@EnableConfigurationProperties(RedisCacheProperties.class)
@Import(RedisConnectionTuning.class)
@ImportRuntimeHints(CacheRuntimeHints.class)
public final class RedisCacheAutoConfiguration {

	RedisCacheAutoConfiguration() {
	}

	@Bean
	@ConditionalOnMissingBean(CacheSerializer.class)
	CacheSerializer cacheSerializer(RedisCacheProperties properties, ObjectProvider<JsonMapper> jsonMapper) {
		if (properties.getSerializer() == RedisCacheProperties.SerializerType.STRING) {
			return new StringCacheSerializer();
		}
		JsonMapper mapper = jsonMapper.getIfUnique();
		if (properties.getJson().isGoDurations()) {
			// on a copy: the application's own mapper keeps writing durations its way
			JsonMapper.Builder builder = (mapper != null) ? mapper.rebuild()
					: JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
			return new JsonCacheSerializer(builder.addModule(new GoDurationModule()).build());
		}
		return (mapper != null) ? new JsonCacheSerializer(mapper) : new JsonCacheSerializer();
	}

	@Bean
	@ConditionalOnMissingBean(Cache.class)
	@ConditionalOnSingleCandidate(RedisConnectionFactory.class)
	RedisCache redisCache(RedisConnectionFactory connectionFactory, RedisCacheProperties properties,
			CacheSerializer serializer, ObjectProvider<CacheMetricsRecorder> metricsRecorder,
			ObjectProvider<CacheObserver> observer, ObjectProvider<RedisCacheCustomizer> customizers,
			Environment environment) {
		boolean redisTimeoutSet = Binder.get(environment).bind("spring.data.redis.timeout", Duration.class).isBound();
		return CacheSettings.create(connectionFactory, redisTimeoutSet, properties, serializer,
				metricsRecorder.getIfUnique(() -> CacheMetricsRecorder.NONE),
				observer.getIfUnique(() -> CacheObserver.NONE), customizers.orderedStream());
	}

	@Bean
	@ConditionalOnBean(name = "redisCache", value = RedisCache.class)
	@ConditionalOnSingleCandidate(RedisConnectionFactory.class)
	RedisCacheLifecycle redisCacheLifecycle(RedisConnectionFactory connectionFactory,
			@Qualifier("redisCache") RedisCache redisCache) {
		return new RedisCacheLifecycle(connectionFactory, redisCache);
	}

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static BeanFactoryPostProcessor cacheAutoProxyCreatorRegistrar() {
		// as Boot's AopAutoConfiguration does; a no-op when it already registered one
		return (beanFactory) -> {
			if (beanFactory instanceof BeanDefinitionRegistry registry) {
				AopConfigUtils.registerAutoProxyCreatorIfNecessary(registry);
			}
		};
	}

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static AnnotationOperationSource cacheAnnotationOperationSource() {
		return CacheAnnotationAdvisors.operationSource();
	}

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	@ConditionalOnMissingBean(name = "rememberAdvisor")
	static Advisor rememberAdvisor(AnnotationOperationSource cacheAnnotationOperationSource,
			ObjectProvider<Cache> cache) {
		return CacheAnnotationAdvisors.remember(cacheAnnotationOperationSource, cache);
	}

	@Bean
	static SmartInitializingSingleton rememberReadBackCheck(AnnotationOperationSource cacheAnnotationOperationSource,
			ObjectProvider<Cache> cache) {
		return CacheAnnotationAdvisors.readBackCheck(cacheAnnotationOperationSource, cache);
	}

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	@ConditionalOnMissingBean(name = "withLockAdvisor")
	static Advisor withLockAdvisor(AnnotationOperationSource cacheAnnotationOperationSource,
			ObjectProvider<Cache> cache) {
		return CacheAnnotationAdvisors.withLock(cacheAnnotationOperationSource, cache);
	}

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	@ConditionalOnMissingBean(name = "forgetAdvisor")
	static Advisor forgetAdvisor(AnnotationOperationSource cacheAnnotationOperationSource,
			ObjectProvider<Cache> cache) {
		return CacheAnnotationAdvisors.forget(cacheAnnotationOperationSource, cache);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	static class MetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean(CacheMetricsRecorder.class)
		CacheMetricsRecorder cacheMetricsRecorder(ObjectProvider<MeterRegistry> meterRegistry,
				RedisCacheProperties properties) {
			MeterRegistry registry = meterRegistry.getIfUnique();
			if (registry == null) {
				return CacheMetricsRecorder.NONE;
			}
			MicrometerCacheMetricsRecorder recorder = new MicrometerCacheMetricsRecorder(registry);
			recorder.registerMeters(properties.getKeyPrefix());
			return recorder;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ LettuceConnectionFactory.class, ClusterClientOptions.class })
	static class LettuceClusterConfiguration {

		@Bean
		static SmartInitializingSingleton clusterTopologyRefreshCheck(ObjectProvider<RedisConnectionFactory> factory) {
			return () -> ClusterTopologyRefreshCheck.check(factory.getIfUnique());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(ObservationRegistry.class)
	@ConditionalOnBooleanProperty(name = "app.cache.observations.enabled", matchIfMissing = true)
	static class ObservationConfiguration {

		@Bean
		@ConditionalOnMissingBean(CacheObserver.class)
		CacheObserver cacheObserver(ObjectProvider<ObservationRegistry> observationRegistry) {
			ObservationRegistry registry = observationRegistry.getIfUnique();
			return (registry != null) ? new MicrometerCacheObserver(registry) : CacheObserver.NONE;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(AbstractHealthIndicator.class)
	@ConditionalOnEnabledHealthIndicator("appcache")
	static class HealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "appcacheHealthIndicator")
		@ConditionalOnSingleCandidate(RedisConnectionFactory.class)
		RedisCacheHealthIndicator appcacheHealthIndicator(RedisConnectionFactory connectionFactory,
				RedisCacheProperties properties, ObjectProvider<Cache> cache) {
			return new RedisCacheHealthIndicator(connectionFactory, properties.getKeyPrefix(), cache);
		}

	}

}
