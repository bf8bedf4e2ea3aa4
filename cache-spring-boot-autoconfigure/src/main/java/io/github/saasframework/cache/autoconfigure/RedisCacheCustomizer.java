package io.github.saasframework.cache.autoconfigure;

import io.github.saasframework.cache.CacheConfig;

/**
 * Changes the auto-configured {@code Cache} bean's settings without replacing the bean:
 * declare one or more as beans, and each is called, in {@code @Order} / {@code Ordered}
 * order, with the core's one builder already set from the {@code app.cache.*} properties.
 * A setting a customizer sets wins over the property.
 *
 * <pre>{@code
 * &#64;Bean
 * RedisCacheCustomizer slowerLoads() {
 *     return (config) -> config.loadLease(Duration.ofSeconds(30));
 * }
 * }</pre>
 *
 * @since 0.2.0
 */
@FunctionalInterface
public interface RedisCacheCustomizer {

	/**
	 * Customizes the settings of the auto-configured cache.
	 * @param config every setting of the cache: TTL, prefix, serializer, locks,
	 * remember's resilience, near cache, limits, metrics
	 */
	void customize(CacheConfig.Builder config);

}
