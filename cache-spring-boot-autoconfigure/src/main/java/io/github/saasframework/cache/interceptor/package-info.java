/**
 * The support of the cache annotations of
 * {@code io.github.saasframework.cache.annotation}: their advisors and interceptors, the
 * parser that validates them at startup, and their SpEL evaluation. Public only what
 * wiring needs: {@link CacheAnnotationAdvisors} and the types its methods name.
 */
@NullMarked
package io.github.saasframework.cache.interceptor;

import org.jspecify.annotations.NullMarked;
