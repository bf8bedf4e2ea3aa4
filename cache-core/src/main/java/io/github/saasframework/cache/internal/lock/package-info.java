/**
 * Not API: the one door for everything lock-shaped: acquire, extend and release scripts,
 * the lease keeper, release notifications and waiters, reentrancy, fencing tokens and
 * {@code withLock}.
 */
@NullMarked
package io.github.saasframework.cache.internal.lock;

import org.jspecify.annotations.NullMarked;
