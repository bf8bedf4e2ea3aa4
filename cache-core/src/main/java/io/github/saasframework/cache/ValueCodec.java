package io.github.saasframework.cache;

import java.lang.reflect.Type;

import io.github.saasframework.cache.serializer.CacheSerializationException;
import io.github.saasframework.cache.serializer.CacheSerializer;
import org.jspecify.annotations.Nullable;

import org.springframework.util.ClassUtils;

/**
 * Runs the configured serializer and turns its failures into
 * {@link CacheSerializationException}s that name the key (never the value or its bytes).
 */
final class ValueCodec {

	private final CacheSerializer serializer;

	ValueCodec(CacheSerializer serializer) {
		this.serializer = serializer;
	}

	byte[] encode(String key, Object value) {
		byte[] bytes;
		try {
			bytes = this.serializer.serialize(value);
		}
		catch (RuntimeException ex) {
			throw new CacheSerializationException("Cannot write the value for key '" + key + "' (a "
					+ value.getClass().getName() + "): " + ex.getMessage(), ex);
		}
		if (bytes == null) {
			throw new CacheSerializationException("Serializer " + this.serializer.getClass().getName()
					+ " returned null for the value of key '" + key + "'");
		}
		return bytes;
	}

	/**
	 * Reads stored bytes as the requested type; {@code null} only if the bytes encode a
	 * null.
	 */
	@Nullable Object decode(String key, byte[] bytes, Type type) {
		Object value;
		try {
			value = this.serializer.deserialize(bytes, type);
		}
		catch (RuntimeException ex) {
			throw new CacheSerializationException(
					"Cannot read the value of key '" + key + "' as " + type.getTypeName() + ": " + ex.getMessage(), ex);
		}
		if (value != null && type instanceof Class<?> expected
				&& !ClassUtils.resolvePrimitiveIfNecessary(expected).isInstance(value)) {
			throw new CacheSerializationException("Cannot read the value of key '" + key + "' as " + type.getTypeName()
					+ ": the serializer returned a " + value.getClass().getName());
		}
		return value;
	}

}
