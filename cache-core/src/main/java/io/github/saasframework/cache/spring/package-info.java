/**
 * Spring's cache abstraction ({@code @Cacheable}, {@code @CachePut}, {@code @CacheEvict})
 * on the library's {@link io.github.saasframework.cache.Cache}:
 * {@link RedisSpringCacheManager}, its typed {@code CacheResolver} and its
 * {@code CacheErrorHandler}. The Spring Boot starter wires them; a plain Spring
 * application builds them with {@link RedisSpringCacheManager#builder}.
 */
@NullMarked
package io.github.saasframework.cache.spring;

import org.jspecify.annotations.NullMarked;
