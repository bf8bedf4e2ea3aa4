/**
 * Not API: walks of the key space ({@code SCAN} with {@code MATCH}, never {@code KEYS}),
 * pattern deletion and rename checks.
 */
@NullMarked
package io.github.saasframework.cache.internal.keys;

import org.jspecify.annotations.NullMarked;
