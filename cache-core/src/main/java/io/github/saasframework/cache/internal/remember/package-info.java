/**
 * Not API: cache-or-compute ({@code remember}): one load per key in this process and
 * across processes (a load lease), fail-open, null markers, and refresh-ahead on a pool
 * of its own.
 */
@NullMarked
package io.github.saasframework.cache.internal.remember;

import org.jspecify.annotations.NullMarked;
