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
 * restarting, failing over) from a Redis error that is a bug to report (WRONGTYPE, OOM, a
 * script error) or a configuration error (WRONGPASS, NOAUTH, NOPERM: Redis refused the
 * credentials or a command): only an outage may be answered without Redis (fail-open). A
 * configuration error is never an outage, not even when it arrives wrapped as a
 * connection failure (a connection whose {@code AUTH} was refused could not be opened).
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

	/** Error replies that say Redis refused the credentials or a command to this user. */
	private static final Set<String> CONFIGURATION_REPLIES = Set.of("WRONGPASS", "NOAUTH", "NOPERM");

	/** Where the commands each feature needs are listed. */
	public static final String PERMISSIONS_PAGE = "docs/redis-permissions.md";

	private Outages() {
	}

	/**
	 * Whether the failure means Redis is unreachable or unavailable for now; never for a
	 * {@linkplain #isConfigurationError configuration error}.
	 */
	public static boolean isOutage(Throwable failure) {
		if (isConfigurationError(failure)) {
			return false;
		}
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
	 * Whether Redis refused the credentials ({@code WRONGPASS}, {@code NOAUTH}) or a
	 * command or key to this user ({@code NOPERM}, or a script's refused command),
	 * anywhere in the failure's causes: a configuration error, never an outage.
	 */
	public static boolean isConfigurationError(Throwable failure) {
		return configurationReply(failure) != null;
	}

	/**
	 * For a {@linkplain #isConfigurationError configuration error}, what happened and
	 * what to change, in one line (Redis's reply is about the user, never a value);
	 * otherwise {@link #describe}.
	 */
	public static String explain(Throwable failure) {
		String reply = configurationReply(failure);
		if (reply == null) {
			return describe(failure);
		}
		if (code(reply).equals("NOPERM")) {
			return "Redis refused a command to the cache's user (" + reply + "): a configuration error, not an"
					+ " outage; grant the user the commands its features need (listed in " + PERMISSIONS_PAGE + ")";
		}
		return "Redis refused the credentials of the cache's connection (" + reply + "): a configuration error, not"
				+ " an outage; check the username and password of the connection factory"
				+ " (spring.data.redis.username and spring.data.redis.password in Spring Boot)";
	}

	/**
	 * The reason in a few words: the error reply's code ({@code WRONGTYPE},
	 * {@code NOPERM}, {@code WRONGPASS}, {@code OOM}, ...) or the kind of outage
	 * ({@code timeout}, {@code connection}). A small, bounded set of values, fit for a
	 * meter tag.
	 */
	public static String reason(Throwable failure) {
		String refused = configurationReply(failure);
		if (refused != null) {
			return code(refused);
		}
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
		String refused = configurationReply(failure);
		if (refused != null) {
			return refused;
		}
		for (Throwable current = failure; current != null; current = next(current)) {
			if (current instanceof RedisException && current.getMessage() != null) {
				return current.getMessage();
			}
		}
		return failure.toString();
	}

	/**
	 * The refusal among the failure's causes, as {@code CODE message}: Redis's reply, or
	 * for a script's command refused by Redis 7.0 (which gives no code) {@code NOPERM}
	 * and its message.
	 */
	private static @Nullable String configurationReply(Throwable failure) {
		for (Throwable current = failure; current != null; current = next(current)) {
			String message = current.getMessage();
			if (message == null) {
				continue;
			}
			if (CONFIGURATION_REPLIES.contains(firstWord(message))) {
				return message;
			}
			if (current instanceof RedisCommandExecutionException && (message.contains("can't run this command")
					|| message.contains("can't access at least one of the keys"))) {
				return "NOPERM " + (message.startsWith("ERR ") ? message.substring(4) : message);
			}
		}
		return null;
	}

	private static String code(String reply) {
		return firstWord(reply);
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
