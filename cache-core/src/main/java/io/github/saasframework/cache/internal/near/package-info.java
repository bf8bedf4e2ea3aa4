/**
 * Not API: the near cache: values read from Redis kept in process memory, coherent
 * through RESP3 client tracking (one broadcasting connection per master).
 */
@NullMarked
package io.github.saasframework.cache.internal.near;

import org.jspecify.annotations.NullMarked;
