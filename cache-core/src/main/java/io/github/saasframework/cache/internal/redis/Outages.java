package io.github.saasframework.cache.internal.redis;

import java.io.IOException;
import java.util.Locale;
import java.util.Set;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.QueryTimeoutException;
import org.springframework.data.redis.RedisConnectionFailureException;

/**
 * The one fault policy of the library. Tells a Redis outage (unreachable, timed out,
 * restarting, failing over) from a Redis error that is a bug to report (WRONGTYPE,
 * NOPERM, OOM, a script error): only an outage may be answered without Redis (fail-open).
 * Also gives a failure's reason in a few words, never quoting a value, for logs and meter
 * tags.
 */
public final class Outages {

	/**
	 * Error replies that mean "not now" rather than "never": the server is loading its
	 * data, a failover or resharding is under way, or a script blocks it.
	 */
	private static final Set<String> TRANSIENT_REPLIES = Set.of("LOADING", "MASTERDOWN", "CLUSTERDOWN", "READONLY",
			"TRYAGAIN", "BUSY");

	private Outages() {
	}

	/** Whether the failure means Redis is unreachable or unavailable for now. */
	public static boolean isOutage(Throwable failure) {
		for (Throwable current = failure; current != null; current = next(current)) {
			if (current instanceof RedisConnectionFailureException || current instanceof QueryTimeoutException
					|| current instanceof RedisConnectionException || current instanceof RedisCommandTimeoutException
					|| current instanceof IOException) {
				return true;
			}
			if (current instanceof RedisCommandExecutionException execution) {
				return TRANSIENT_REPLIES.contains(firstWord(execution.getMessage()));
			}
			if (current.getClass() == RedisException.class) {
				// Lettuce's plain RedisException: "Connection closed", "Connection is
				// closed", "Currently not connected", "Command buffer size exceeded"
				String message = String.valueOf(current.getMessage()).toLowerCase(Locale.ROOT);
				return message.contains("connect") || message.contains("closed") || message.contains("buffer");
			}
		}
		return false;
	}

	/**
	 * The reason in a few words: the error reply's code ({@code WRONGTYPE},
	 * {@code NOPERM}, {@code OOM}, ...) or the kind of outage ({@code timeout},
	 * {@code connection}). A small, bounded set of values, fit for a meter tag.
	 */
	public static String reason(Throwable failure) {
		for (Throwable current = failure; current != null; current = next(current)) {
			if (current instanceof RedisCommandExecutionException execution) {
				String code = firstWord(execution.getMessage());
				return code.matches("[A-Z]{2,20}") ? code : "ERR";
			}
			if (current instanceof QueryTimeoutException || current instanceof RedisCommandTimeoutException) {
				return "timeout";
			}
			if (current instanceof RedisConnectionFailureException || current instanceof RedisConnectionException
					|| current instanceof IOException) {
				return "connection";
			}
		}
		return isOutage(failure) ? "connection" : "error";
	}

	/**
	 * The message Redis sent (for an error reply: {@code WRONGTYPE Operation against a
	 * key holding the wrong kind of value}), or the failure's own message.
	 */
	public static String describe(Throwable failure) {
		for (Throwable current = failure; current != null; current = next(current)) {
			if (current instanceof RedisException && current.getMessage() != null) {
				return current.getMessage();
			}
		}
		return failure.toString();
	}

	private static @Nullable Throwable next(Throwable current) {
		Throwable cause = current.getCause();
		return (cause != current) ? cause : null;
	}

	private static String firstWord(@Nullable String message) {
		if (message == null) {
			return "";
		}
		int space = message.indexOf(' ');
		return (space > 0) ? message.substring(0, space) : message;
	}

}
