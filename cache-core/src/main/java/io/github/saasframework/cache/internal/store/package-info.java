/**
 * Not API: the one read path of a cache, chosen once when the cache is built: Redis only,
 * or near-cached. Hit and miss accounting live here.
 */
@NullMarked
package io.github.saasframework.cache.internal.store;

import org.jspecify.annotations.NullMarked;
