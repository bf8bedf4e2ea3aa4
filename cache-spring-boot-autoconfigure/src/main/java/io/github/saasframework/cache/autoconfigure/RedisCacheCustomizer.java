package io.github.saasframework.cache.autoconfigure;

import io.github.saasframework.cache.CacheConfig;
import io.github.saasframework.cache.CacheOptions;

/**
 * Changes the auto-configured {@code Cache} bean's settings without replacing the bean:
 * declare one or more as beans, and each is called, in {@code @Order} / {@code Ordered}
 * order, with the builders already set from the {@code app.cache.*} properties. A setting
 * a customizer sets wins over the property.
 *
 * <pre>{@code
 * &#64;Bean
 * RedisCacheCustomizer slowerLoads() {
 *     return (config, options) -> options.loadLease(Duration.ofSeconds(30));
 * }
 * }</pre>
 *
 * @since 0.2.0
 */
@FunctionalInterface
public interface RedisCacheCustomizer {

	/**
	 * Customizes the settings of the auto-configured cache.
	 * @param config what the cache is: TTL, prefix, serializer, lock waits
	 * @param options how it behaves: metrics, remember's resilience, limits
	 */
	void customize(CacheConfig.Builder config, CacheOptions.Builder options);

}
