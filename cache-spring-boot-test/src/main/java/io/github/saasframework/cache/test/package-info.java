/**
 * Test support for applications that use the cache starter:
 * {@link io.github.saasframework.cache.test.AutoConfigureTestRedis} and the
 * {@code redis-server} process it starts,
 * {@link io.github.saasframework.cache.test.TestRedisServer}.
 */
@NullMarked
package io.github.saasframework.cache.test;

import org.jspecify.annotations.NullMarked;
