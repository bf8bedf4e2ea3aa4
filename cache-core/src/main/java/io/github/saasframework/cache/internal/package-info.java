/**
 * Not API: the kernel every concept of {@code RedisCache} shares (argument checks, key
 * namespaces, TTL rules, the value codec, owned resources, one-work-per-key futures,
 * throttled logging, daemon threads) and, in sub-packages, one package per concept:
 * {@code core} (the composition root), {@code redis} (the door every Redis command goes
 * through), {@code store} (the one read path), {@code near} (the near cache),
 * {@code remember} (cache-or-compute and refresh-ahead), {@code lock} (locks) and
 * {@code keys} (SCAN walks). Types here are public only so that the concept packages can
 * reach each other; they may change in any release and are left out of the javadoc.
 */
@NullMarked
package io.github.saasframework.cache.internal;

import org.jspecify.annotations.NullMarked;
