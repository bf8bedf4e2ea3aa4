package io.github.saasframework.cache.internal.redis;

import java.lang.reflect.Type;
import java.util.List;

import io.github.saasframework.cache.internal.StoredValue;
import io.github.saasframework.cache.internal.ValueCodec;
import org.jspecify.annotations.Nullable;

/**
 * A stored value as Redis returned it, with the remaining TTL read in the same round trip
 * ({@link RedisDoor#getWithTtl(byte[])}), or {@link #NO_EXPIRY} when it was read without.
 *
 * @param bytes the stored bytes
 * @param remainingMillis the remaining TTL in milliseconds, {@link #NO_EXPIRY} when the
 * key has none
 */
public record StoredEntry(byte[] bytes, long remainingMillis) implements StoredValue {

	/**
	 * The entry of a {@code GET_WITH_TTL} reply.
	 * @param reply the script's reply
	 * @return the entry, or {@code null} when the key does not exist
	 */
	public static @Nullable StoredEntry of(@Nullable List<Object> reply) {
		if (reply == null || reply.size() < 2 || !(reply.get(0) instanceof byte[] value)) {
			return null;
		}
		Object ttl = reply.get(1);
		return new StoredEntry(value, (ttl instanceof Number millis) ? millis.longValue() : NO_EXPIRY);
	}

	@Override
	public @Nullable Object value(String key, Type type, ValueCodec codec) {
		return codec.decode(key, this.bytes, type);
	}

	@Override
	public boolean isNullMarker() {
		return ValueCodec.isNullMarker(this.bytes);
	}

}
