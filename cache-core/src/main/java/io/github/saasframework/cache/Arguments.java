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

	/**
	 * A key or name for an exception message: in single quotes, with control characters
	 * (newlines, say) escaped so that a key can never forge or split a log line.
	 */
	static String quote(@Nullable String key) {
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
