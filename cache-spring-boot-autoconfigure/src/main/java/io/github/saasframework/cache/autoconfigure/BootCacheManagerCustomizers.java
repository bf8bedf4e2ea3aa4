package io.github.saasframework.cache.autoconfigure;

import java.util.List;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.boot.cache.autoconfigure.CacheManagerCustomizer;
import org.springframework.boot.cache.autoconfigure.CacheManagerCustomizers;
import org.springframework.cache.CacheManager;
import org.springframework.core.ResolvableType;
import org.springframework.util.ClassUtils;

/**
 * Applies the application's {@link CacheManagerCustomizer} beans to the starter's
 * {@code CacheManager}, as Spring Boot's {@code CacheAutoConfiguration} applies them to
 * the managers it creates (it backs off for ours, and its {@link CacheManagerCustomizers}
 * bean with it). Each customizer is called only when its generic type matches, as in
 * Boot. Loaded only when {@code spring-boot-cache} is on the classpath (the starter
 * brings it).
 */
final class BootCacheManagerCustomizers {

	private static final boolean PRESENT = ClassUtils.isPresent(
			"org.springframework.boot.cache.autoconfigure.CacheManagerCustomizers",
			BootCacheManagerCustomizers.class.getClassLoader());

	private BootCacheManagerCustomizers() {
	}

	static <T extends CacheManager> T customize(T cacheManager, BeanFactory beanFactory) {
		return PRESENT ? Customizing.customize(cacheManager, beanFactory) : cacheManager;
	}

	/** Names Boot's types: loaded only when they are present. */
	private static final class Customizing {

		static <T extends CacheManager> T customize(T cacheManager, BeanFactory beanFactory) {
			CacheManagerCustomizers customizers = beanFactory.getBeanProvider(CacheManagerCustomizers.class)
				.getIfAvailable(() -> new CacheManagerCustomizers(customizers(beanFactory)));
			return customizers.customize(cacheManager);
		}

		private static List<CacheManagerCustomizer<?>> customizers(BeanFactory beanFactory) {
			return beanFactory.getBeanProvider(ResolvableType.forClass(CacheManagerCustomizer.class))
				.orderedStream()
				.<CacheManagerCustomizer<?>>map(CacheManagerCustomizer.class::cast)
				.toList();
		}

	}

}
