/**
 * The sample application: every feature of the cache starter behind an HTTP endpoint.
 */
@NullMarked
package io.github.saasframework.cache.sample;

import org.jspecify.annotations.NullMarked;
