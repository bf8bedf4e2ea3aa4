package io.github.saasframework.cache.internal;

import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import io.github.saasframework.cache.serializer.CacheSerializationException;
import io.github.saasframework.cache.serializer.CacheSerializer;
import org.jspecify.annotations.Nullable;

import org.springframework.util.ClassUtils;

/**
 * Runs the configured serializer and turns its failures into
 * {@link CacheSerializationException}s that name the key (never the value or its bytes).
 */
public final class ValueCodec {

	/**
	 * What {@code remember} stores for a {@code null} result when null caching is on.
	 * JSON can never contain raw NUL bytes, and {@link #encode} refuses a string or byte
	 * value equal to it, so the marker never collides with a real value.
	 */
	private static final byte[] NULL_MARKER = "\0\1saasframework-cache:null\1\0".getBytes(StandardCharsets.UTF_8);

	private final CacheSerializer serializer;

	private final int maxValueBytes;

	private final @Nullable ReplayingSerializer replaying;

	/**
	 * @param maxValueBytes the largest serialized value written; 0 for no limit
	 */
	public ValueCodec(CacheSerializer serializer, int maxValueBytes) {
		this.serializer = serializer;
		this.maxValueBytes = maxValueBytes;
		this.replaying = (serializer instanceof ReplayingSerializer replays) ? replays : null;
	}

	public byte[] encode(String key, Object value) {
		byte[] bytes;
		try {
			bytes = this.serializer.serialize(value);
		}
		catch (RuntimeException ex) {
			throw new CacheSerializationException("Cannot write the value for key " + Arguments.quote(key) + " (a "
					+ value.getClass().getName() + "): " + ex.getMessage(), ex);
		}
		if (bytes == null) {
			throw new CacheSerializationException("Serializer " + this.serializer.getClass().getName()
					+ " returned null for the value of key " + Arguments.quote(key));
		}
		if (this.maxValueBytes > 0 && bytes.length > this.maxValueBytes) {
			// a value too large to read back within the command timeout would also stall
			// every other caller of the shared connection while it travels
			throw new IllegalArgumentException("The value for key " + Arguments.quote(key) + " (a "
					+ value.getClass().getName() + ") is " + bytes.length + " bytes serialized, more than the "
					+ this.maxValueBytes + " bytes allowed (max value size)");
		}
		if (isNullMarker(bytes)) {
			throw new CacheSerializationException("The value for key " + Arguments.quote(key)
					+ " is the cache's reserved null marker and cannot be stored");
		}
		return bytes;
	}

	public static byte[] nullMarker() {
		return NULL_MARKER.clone();
	}

	public static boolean isNullMarker(byte[] bytes) {
		return bytes.length == NULL_MARKER.length && Arrays.equals(bytes, NULL_MARKER);
	}

	/**
	 * Reads stored bytes as the requested type; {@code null} only if the bytes encode a
	 * null.
	 */
	public @Nullable Object decode(String key, byte[] bytes, Type type) {
		if (isNullMarker(bytes)) {
			return null;
		}
		return read(key, bytes, null, type);
	}

	/**
	 * The bytes of a value just read as the type, parsed once so that it can be read
	 * again with {@link #decodeReplay} without parsing them: {@code null} if the
	 * serializer cannot, or does not for the type.
	 */
	public @Nullable Object replayable(byte[] bytes, Type type) {
		if (this.replaying == null || isNullMarker(bytes)) {
			return null;
		}
		return this.replaying.replayable(bytes, type);
	}

	/** Whether {@link #decodeReplay} reads values of the type. */
	public boolean replays(Type type) {
		return this.replaying != null && this.replaying.replays(type);
	}

	/**
	 * Reads a value again from what {@link #replayable} returned, as {@link #decode}
	 * reads it from the bytes; only for a type that {@link #replays}.
	 */
	public @Nullable Object decodeReplay(String key, Object replay, Type type) {
		return read(key, null, replay, type);
	}

	private @Nullable Object read(String key, byte @Nullable [] bytes, @Nullable Object replay, Type type) {
		Object value;
		try {
			value = (bytes != null) ? this.serializer.deserialize(bytes, type)
					: this.replaying.deserializeReplay(replay, type);
		}
		catch (CacheSerializationException ex) {
			// this library's serializers describe the problem without quoting the bytes
			throw new CacheSerializationException("Cannot read the value of key " + Arguments.quote(key) + " as "
					+ type.getTypeName() + ": " + ex.getMessage(), ex.getCause());
		}
		catch (RuntimeException ex) {
			// another serializer's message (and cause) may quote the stored value: name
			// only its type
			throw new CacheSerializationException(
					"Cannot read the value of key " + Arguments.quote(key) + " as " + type.getTypeName() + ": "
							+ ex.getClass().getName() + " from " + this.serializer.getClass().getName());
		}
		if (value != null && type instanceof Class<?> expected
				&& !ClassUtils.resolvePrimitiveIfNecessary(expected).isInstance(value)) {
			throw new CacheSerializationException("Cannot read the value of key " + Arguments.quote(key) + " as "
					+ type.getTypeName() + ": the serializer returned a " + value.getClass().getName());
		}
		return value;
	}

}
