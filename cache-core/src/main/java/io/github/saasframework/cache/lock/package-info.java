/**
 * Distributed locks: the {@link io.github.saasframework.cache.lock.DistributedLock} API
 * and its exceptions.
 */
@NullMarked
package io.github.saasframework.cache.lock;

import org.jspecify.annotations.NullMarked;
