package io.github.saasframework.cache.internal;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Argument checks with uniform messages, run before anything is sent to Redis. Not API.
 */
public final class Arguments {

	private Arguments() {
	}

	public static void require(boolean condition, String format, Object... args) {
		if (!condition) {
			throw new IllegalArgumentException(String.format(format, args));
		}
	}

	public static <T> T requireNonNull(@Nullable T value, String name) {
		if (value == null) {
			throw new IllegalArgumentException(name + " must not be null");
		}
		return value;
	}

	/** A key, lock name, pattern or prefix part: not null, not blank. */
	public static String requireText(@Nullable String value, String name) {
		requireNonNull(value, name);
		if (value.isBlank()) {
			throw new IllegalArgumentException(name + " must not be blank: '" + value + "'");
		}
		return value;
	}

	/**
	 * A name that becomes part of every Redis key (a key prefix): no whitespace
	 * (including no-break spaces) and no control characters, which no one can see or type
	 * in a configuration file and which split keys in {@code redis-cli} and in logs.
	 */
	public static String requireNoSpaceOrControl(String value, String name) {
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (Character.isWhitespace(c) || Character.isSpaceChar(c) || Character.isISOControl(c)) {
				throw new IllegalArgumentException(
						name + " must not contain whitespace or control characters: " + quote(value));
			}
		}
		return value;
	}

	/** A TTL where {@link Duration#ZERO} means the default: not null, not negative. */
	public static Duration requireTtl(@Nullable Duration ttl, String name) {
		requireNonNull(ttl, name);
		require(!ttl.isNegative(), "%s must not be negative: %s", name, ttl);
		return ttl;
	}

	/** A duration that must be strictly positive (lock leases, expire, intervals). */
	public static Duration requirePositive(@Nullable Duration duration, String name) {
		requireNonNull(duration, name);
		require(!duration.isNegative() && !duration.isZero(), "%s must be positive: %s", name, duration);
		return duration;
	}

	/**
	 * A lock lease (or a refresh interval): strictly positive and finite, at most
	 * {@link TtlPolicy#MAX_LEASE}. {@code Cache.NO_EXPIRY} is refused: a lock without
	 * expiry would block every other owner forever once its holder crashed.
	 */
	public static Duration requireLease(@Nullable Duration lease, String name) {
		requirePositive(lease, name);
		require(lease.compareTo(TtlPolicy.MAX_LEASE) <= 0,
				"%s must be a finite lease of at most %s (a lock must expire if its holder crashes): %s", name,
				TtlPolicy.MAX_LEASE, lease);
		return lease;
	}

	/** A validated, non-negative wait in nanoseconds, saturated at Long.MAX_VALUE / 2. */
	public static long saturatedNanos(Duration wait) {
		long cap = Long.MAX_VALUE / 2;
		return (wait.getSeconds() >= cap / 1_000_000_000L) ? cap : wait.toNanos();
	}

	/**
	 * A key or name for an exception message: in single quotes, with control characters
	 * (newlines, say) escaped so that a key can never forge or split a log line.
	 */
	public static String quote(@Nullable String key) {
		if (key == null) {
			return "null";
		}
		StringBuilder quoted = new StringBuilder(key.length() + 2).append('\'');
		for (int i = 0; i < key.length(); i++) {
			char c = key.charAt(i);
			if (c == '\n') {
				quoted.append("\\n");
			}
			else if (c == '\r') {
				quoted.append("\\r");
			}
			else if (c == '\t') {
				quoted.append("\\t");
			}
			else if (Character.isISOControl(c)) {
				quoted.append(String.format("\\u%04x", (int) c));
			}
			else {
				quoted.append(c);
			}
		}
		return quoted.append('\'').toString();
	}

}
