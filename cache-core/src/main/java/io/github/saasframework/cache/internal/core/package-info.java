/**
 * Not API: the composition root of a cache. {@code CacheCore} builds the parts a root
 * cache owns (the door, the read path, remember, locks, key walks) once from the
 * configuration; {@code AsyncFacade} is the non-blocking face of a namespace;
 * {@code CacheInternals} lets the library's own packages reach the parts behind a
 * {@code RedisCache}.
 */
@NullMarked
package io.github.saasframework.cache.internal.core;

import org.jspecify.annotations.NullMarked;
