package io.github.saasframework.cache.internal.near;

import java.lang.reflect.Type;

import io.github.saasframework.cache.internal.StoredValue;
import io.github.saasframework.cache.internal.ValueCodec;
import io.github.saasframework.cache.internal.redis.StoredEntry;
import org.jspecify.annotations.Nullable;

/**
 * A value kept in memory: its bytes as Redis returned them, and for a
 * {@link ImmutableTypes shareable} type the object decoded from them, shared by every
 * caller. Every other type is decoded afresh on each hit, so callers never share a
 * mutable object: from the bytes parsed once where the codec can, else from a copy of the
 * bytes.
 */
final class NearEntry implements StoredValue {

	private final byte[] bytes;

	/** When it stops being answered: its Redis expiry or max age, whichever is first. */
	final long expiresAt;

	/** Its Redis expiry ({@link Long#MAX_VALUE} for none), for the remaining TTL. */
	private final long redisExpiresAt;

	private volatile @Nullable Decoded decoded;

	/**
	 * For a type decoded on each hit: the bytes parsed once on the first hit, if the
	 * codec can (see {@link ValueCodec#replayable}), so later hits bind a new object
	 * without parsing again.
	 */
	private volatile @Nullable Object replay;

	NearEntry(StoredEntry read, long sentAt, long maxAgeNanos) {
		// a copy: the bytes read are also decoded for the caller that read them
		this.bytes = read.bytes().clone();
		long remaining = read.remainingMillis();
		this.redisExpiresAt = (remaining < 0) ? Long.MAX_VALUE : sentAt + remaining * 1_000_000L;
		long maxAgeEnd = sentAt + maxAgeNanos;
		this.expiresAt = (this.redisExpiresAt - maxAgeEnd < 0) ? this.redisExpiresAt : maxAgeEnd;
	}

	@Override
	public @Nullable Object value(String key, Type type, ValueCodec codec) {
		Decoded current = this.decoded;
		if (current != null && current.type == type) {
			return current.value;
		}
		Object parsed = this.replay;
		if (parsed != null && codec.replays(type)) {
			return codec.decodeReplay(key, parsed, type);
		}
		Object value = codec.decode(key, this.bytes.clone(), type);
		if (ImmutableTypes.isShareable(type)) {
			this.decoded = new Decoded(type, value);
		}
		else if (parsed == null) {
			this.replay = codec.replayable(this.bytes, type);
		}
		return value;
	}

	/** The entry as read from Redis: a copy of its bytes and its remaining TTL now. */
	StoredEntry stored() {
		return new StoredEntry(this.bytes.clone(), remainingMillis());
	}

	@Override
	public boolean isNullMarker() {
		return ValueCodec.isNullMarker(this.bytes);
	}

	@Override
	public long remainingMillis() {
		if (this.redisExpiresAt == Long.MAX_VALUE) {
			return NO_EXPIRY;
		}
		return Math.max(0, (this.redisExpiresAt - System.nanoTime()) / 1_000_000L);
	}

	private record Decoded(Type type, @Nullable Object value) {
	}

}
