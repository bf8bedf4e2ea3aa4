package io.github.saasframework.cache.internal;

import java.lang.reflect.Type;

import org.jspecify.annotations.Nullable;

/**
 * A value found for a key, from Redis or from the near cache's memory, not decoded yet.
 */
public interface StoredValue {

	/** What {@link #remainingMillis()} answers for a key without expiry. */
	long NO_EXPIRY = -1;

	/**
	 * The value as {@code type}.
	 * @param key the unprefixed key, for messages
	 * @param type the type to read
	 * @param codec the cache's codec
	 * @return the value, {@code null} for the null marker
	 */
	@Nullable Object value(String key, Type type, ValueCodec codec);

	/**
	 * Whether the stored bytes are the null marker of {@code remember}.
	 * @return {@code true} for a cached null
	 */
	boolean isNullMarker();

	/**
	 * The remaining TTL when the value was read (or now, for memory).
	 * @return milliseconds, {@link #NO_EXPIRY} for none, or {@link #NO_EXPIRY} when it
	 * was not read
	 */
	long remainingMillis();

	/**
	 * How long ago the value was written, assuming it was written with the given TTL.
	 * @param writtenTtlMillis the TTL it was written with, or
	 * {@code TtlPolicy.PERSISTENT}
	 * @return milliseconds, or {@code -1} when that cannot be told (no expiry, or no TTL
	 * to compare with)
	 */
	default long ageMillis(long writtenTtlMillis) {
		return ageMillis(remainingMillis(), writtenTtlMillis);
	}

	/**
	 * As {@link #ageMillis(long)}, for a remaining TTL read on its own ({@code PTTL}).
	 * @param remainingMillis the remaining TTL
	 * @param writtenTtlMillis the TTL it was written with
	 * @return milliseconds, or {@code -1}
	 */
	static long ageMillis(long remainingMillis, long writtenTtlMillis) {
		if (remainingMillis < 0 || writtenTtlMillis == TtlPolicy.PERSISTENT) {
			return -1;
		}
		return Math.max(0, writtenTtlMillis - remainingMillis);
	}

}
