/**
 * Spring Boot auto-configuration of the Redis {@code Cache}, its metrics and health, and
 * the interceptors of the {@code @Remember}, {@code @WithLock} and {@code @Forget}
 * annotations.
 */
@NullMarked
package io.github.saasframework.cache.autoconfigure;

import org.jspecify.annotations.NullMarked;
