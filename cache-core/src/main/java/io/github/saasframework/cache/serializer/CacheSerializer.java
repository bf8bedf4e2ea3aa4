package io.github.saasframework.cache.serializer;

import java.lang.reflect.Type;

/**
 * Turns values into the bytes stored in Redis and back. Implementations must be
 * thread-safe.
 * <p>
 * The wire format shared with other services (the Go package this library ports) is: a
 * {@code String} or {@code byte[]} value is stored raw (UTF-8, no JSON quotes) and read
 * back raw; every other value is plain JSON without type metadata.
 *
 * @since 0.1.0
 * @see JsonCacheSerializer
 * @see StringCacheSerializer
 */
public interface CacheSerializer {

	/**
	 * Writes a value.
	 * @param value the value, never {@code null}
	 * @return the bytes to store
	 * @throws CacheSerializationException if the value cannot be written
	 */
	byte[] serialize(Object value);

	/**
	 * Reads a value of the given type.
	 * @param bytes the stored bytes
	 * @param type the type to read, a {@link Class} or a generic type such as
	 * {@code List<User>}
	 * @return the value; {@code null} only if the bytes encode a null (JSON {@code null})
	 * @throws CacheSerializationException if the bytes are not a valid value of the type
	 */
	Object deserialize(byte[] bytes, Type type);

}
