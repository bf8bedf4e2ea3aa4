/**
 * The cache API ({@link io.github.saasframework.cache.Cache}) and its Redis
 * implementation ({@link io.github.saasframework.cache.RedisCache}).
 */
@NullMarked
package io.github.saasframework.cache;

import org.jspecify.annotations.NullMarked;
