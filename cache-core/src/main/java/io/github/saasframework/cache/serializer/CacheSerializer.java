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

	/**
	 * Checks, without a value, that values of a declared type can be read back by
	 * {@link #deserialize}, so that a caller can find out once (at startup, for each
	 * cached method's return type) rather than store values no reader can use. The answer
	 * is cached per type, so calling it again is cheap.
	 * <p>
	 * The default does nothing: a serializer that cannot tell assumes it can. Override it
	 * when some types can never be read back, as {@link JsonCacheSerializer} (an
	 * interface or a class without a constructor Jackson can use, such as Spring Data's
	 * {@code PageImpl} without this library's support) and {@link StringCacheSerializer}
	 * (anything but text and bytes) do.
	 * @param declaredType the type values will be read back as: a {@link Class} or a
	 * generic type such as {@code Page<Book>}
	 * @throws CacheSerializationException if values of the type cannot be read back; the
	 * message names the type and the reason, never a value
	 * @since 0.1.0
	 */
	default void checkReadable(Type declaredType) {
	}

	/**
	 * Checks that this value, once written by {@link #serialize}, reads back as the
	 * declared type as a value of its own class: for example, that a subclass is not read
	 * back as its declared superclass, or a {@code Long} declared as {@code Object} as an
	 * {@code Integer}. Implies {@link #checkReadable(Type)}. Cheap: the answer is cached
	 * per class and declared type, and only where the value itself decides (a
	 * {@code String} or a number declared as {@code Object}) is the value looked at.
	 * <p>
	 * The default does {@link #checkReadable(Type)} only.
	 * @param value the value about to be written, never {@code null}
	 * @param declaredType the type it will be read back as
	 * @throws CacheSerializationException if the value would not read back as a value of
	 * its class; the message names the types and the reason, never the value
	 * @since 0.1.0
	 */
	default void checkReadsBack(Object value, Type declaredType) {
		checkReadable(declaredType);
	}

}
