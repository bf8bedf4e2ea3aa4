/**
 * The {@code @Remember}, {@code @WithLock} and {@code @Forget} annotations for Spring
 * beans.
 */
@NullMarked
package io.github.saasframework.cache.annotation;

import org.jspecify.annotations.NullMarked;
