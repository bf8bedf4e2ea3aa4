/**
 * The reactive face of the cache
 * ({@link io.github.saasframework.cache.reactive.ReactiveCache}), for applications with
 * Project Reactor on the classpath.
 */
@NullMarked
package io.github.saasframework.cache.reactive;

import org.jspecify.annotations.NullMarked;
