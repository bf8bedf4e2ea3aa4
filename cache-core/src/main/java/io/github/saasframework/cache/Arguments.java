package io.github.saasframework.cache;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Argument checks with uniform messages, run before anything is sent to Redis.
 */
final class Arguments {

	private Arguments() {
	}

	static void require(boolean condition, String format, Object... args) {
		if (!condition) {
			throw new IllegalArgumentException(String.format(format, args));
		}
	}

	static <T> T requireNonNull(@Nullable T value, String name) {
		if (value == null) {
			throw new IllegalArgumentException(name + " must not be null");
		}
		return value;
	}

	/** A key, lock name, pattern or prefix part: not null, not blank. */
	static String requireText(@Nullable String value, String name) {
		requireNonNull(value, name);
		if (value.isBlank()) {
			throw new IllegalArgumentException(name + " must not be blank: '" + value + "'");
		}
		return value;
	}

	/** A TTL where {@link Duration#ZERO} means the default: not null, not negative. */
	static Duration requireTtl(@Nullable Duration ttl, String name) {
		requireNonNull(ttl, name);
		require(!ttl.isNegative(), "%s must not be negative: %s", name, ttl);
		return ttl;
	}

	/** A duration that must be strictly positive (lock leases, expire, intervals). */
	static Duration requirePositive(@Nullable Duration duration, String name) {
		requireNonNull(duration, name);
		require(!duration.isNegative() && !duration.isZero(), "%s must be positive: %s", name, duration);
		return duration;
	}

}
