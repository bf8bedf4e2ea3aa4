package io.github.saasframework.cache.serializer;

import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;

/**
 * A serializer for text and binary values only: {@code String} is stored as UTF-8 and
 * {@code byte[]} as it is, both read back raw. Any other value type is refused with a
 * {@link CacheSerializationException}, so nothing is silently written with
 * {@code toString()}. Integer counters ({@code Cache.increment}) read back as
 * {@code String}. Thread-safe.
 *
 * @since 0.1.0
 */
public final class StringCacheSerializer implements CacheSerializer {

	/**
	 * Creates the serializer.
	 */
	public StringCacheSerializer() {
	}

	/**
	 * Writes a {@code String} as UTF-8 or a {@code byte[]} as it is.
	 * @throws CacheSerializationException for any other value type
	 */
	@Override
	public byte[] serialize(Object value) {
		if (value instanceof String string) {
			return string.getBytes(StandardCharsets.UTF_8);
		}
		if (value instanceof byte[] bytes) {
			return bytes;
		}
		throw new CacheSerializationException("StringCacheSerializer writes only String and byte[] values, not "
				+ value.getClass().getName() + "; use JsonCacheSerializer for objects");
	}

	/**
	 * Reads the bytes as a {@code String} (also for {@code CharSequence} and
	 * {@code Object}) or returns them as {@code byte[]}.
	 * @throws CacheSerializationException for any other requested type
	 */
	@Override
	public Object deserialize(byte[] bytes, Type type) {
		if (type == String.class || type == CharSequence.class || type == Object.class) {
			return new String(bytes, StandardCharsets.UTF_8);
		}
		if (type == byte[].class) {
			return bytes;
		}
		throw new CacheSerializationException("StringCacheSerializer reads only String and byte[] values, not "
				+ type.getTypeName() + "; use JsonCacheSerializer for objects");
	}

	/**
	 * Accepts {@code String}, {@code CharSequence}, {@code Object} and {@code byte[]}.
	 * @throws CacheSerializationException for any other type
	 */
	@Override
	public void checkReadable(Type declaredType) {
		if (declaredType != String.class && declaredType != CharSequence.class && declaredType != Object.class
				&& declaredType != byte[].class) {
			throw new CacheSerializationException("StringCacheSerializer reads only String and byte[] values, not "
					+ declaredType.getTypeName() + "; use JsonCacheSerializer for objects");
		}
	}

	/**
	 * Accepts a {@code String} declared as {@code String}, {@code CharSequence} or
	 * {@code Object}, and a {@code byte[]} declared as {@code byte[]}.
	 * @throws CacheSerializationException for anything else
	 */
	@Override
	public void checkReadsBack(Object value, Type declaredType) {
		checkReadable(declaredType);
		boolean bytes = declaredType == byte[].class;
		if (bytes ? !(value instanceof byte[]) : !(value instanceof String)) {
			throw new CacheSerializationException("StringCacheSerializer reads " + declaredType.getTypeName()
					+ " back as " + (bytes ? "byte[]" : "String") + ", so a " + value.getClass().getName()
					+ " does not read back");
		}
	}

}
