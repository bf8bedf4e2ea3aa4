package io.github.saasframework.cache;

/**
 * A stored value with the remaining TTL it was read with, in the same round trip
 * ({@link RedisCalls#getWithTtl(byte[])}).
 *
 * @param value the stored bytes
 * @param remainingMillis the remaining TTL in milliseconds, {@link #NO_EXPIRY} when the
 * key has none
 */
record StoredEntry(byte[] value, long remainingMillis) {

	/** What {@code PTTL} answers for a key without expiry. */
	static final long NO_EXPIRY = -1;

	/**
	 * How long ago the entry was written, assuming it was written with the given TTL;
	 * {@code -1} when that cannot be told (no expiry, or no TTL to compare with).
	 */
	long ageMillis(long writtenTtlMillis) {
		return ageMillis(this.remainingMillis, writtenTtlMillis);
	}

	/**
	 * As {@link #ageMillis(long)}, for a remaining TTL read on its own ({@code PTTL}).
	 */
	static long ageMillis(long remainingMillis, long writtenTtlMillis) {
		if (remainingMillis < 0 || writtenTtlMillis == TtlPolicy.PERSISTENT) {
			return -1;
		}
		return Math.max(0, writtenTtlMillis - remainingMillis);
	}

}
