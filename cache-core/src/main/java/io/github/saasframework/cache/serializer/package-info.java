/**
 * How values become bytes in Redis: the JSON and string serializers.
 */
@NullMarked
package io.github.saasframework.cache.serializer;

import org.jspecify.annotations.NullMarked;
