package io.github.saasframework.cache;

import java.util.List;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.AbstractRedisAsyncCommands;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.RedisSystemException;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.SetCondition;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The hot single-key calls ({@code GET}, {@code SET}, the {@code GET_WITH_TTL} script)
 * sent straight to the asynchronous commands of Lettuce's shared native connection, which
 * are looked up once and kept, instead of through a Spring Data {@code LettuceConnection}
 * made for each call. The commands, the wait for the reply (the factory's command
 * timeout, then the command is cancelled) and the exceptions (translated by the factory,
 * as {@code LettuceConnection} does) are those of the path through the factory. On a
 * Redis Cluster the shared connection routes each command by its key's slot.
 * <p>
 * When the factory resets or stops, it closes the shared connection: a command offered to
 * the closed connection is refused before it is written, so it is sent again, once, on
 * the factory's new shared connection. Thread-safe.
 */
final class NativeCommands {

	/**
	 * Lettuce's message for a command refused by a closed connection before it was
	 * written (a command cut off by the close says "Connection closed").
	 */
	private static final String REFUSED_BY_CLOSED_CONNECTION = "Connection is closed";

	// non-capturing, so that a call allocates no command object
	private static final Command<byte[]> GET = (commands, key, value, args) -> commands.get(key);

	private static final Command<String> SET = (commands, key, value, args) -> commands.set(key, value, args);

	private final LettuceConnectionFactory factory;

	private volatile @Nullable Shared shared;

	/**
	 * The arguments of the last {@code SET}, used again while its TTL and condition
	 * repeat (as the default TTL does); Lettuce only reads them.
	 */
	private volatile @Nullable LastSetArgs lastSetArgs;

	private NativeCommands(LettuceConnectionFactory factory) {
		this.factory = factory;
	}

	/** The fast path for a Lettuce factory; {@code null} for any other. */
	static @Nullable NativeCommands of(RedisConnectionFactory factory) {
		return (factory instanceof LettuceConnectionFactory lettuce) ? new NativeCommands(lettuce) : null;
	}

	/**
	 * Whether the factory now hands out one shared native connection without validating
	 * it on each use (Spring Boot's default); otherwise the path through the factory
	 * applies.
	 */
	boolean applies() {
		return this.factory.getShareNativeConnection() && !this.factory.getValidateConnection();
	}

	/** Whether {@link #set} can send this condition ({@code NX}, {@code XX} or none). */
	static boolean supports(SetCondition condition) {
		return condition.getCompareCondition() == null;
	}

	/**
	 * The shared connection's asynchronous commands, looked up on first use and again
	 * after the factory closed them.
	 */
	RedisClusterAsyncCommands<byte[], byte[]> commands() {
		Shared current = this.shared;
		return (current != null && !current.isClosed()) ? current.commands : renew(current).commands;
	}

	byte @Nullable [] get(byte[] key) {
		return call(GET, key, null, null);
	}

	/** {@code SET key value [PX millis] [NX|XX]}; whether it was written. */
	boolean set(byte[] key, byte[] value, long millis, SetCondition condition) {
		return "OK".equals(call(SET, key, value, setArgs(millis, condition.getKeyCondition())));
	}

	private SetArgs setArgs(long millis, SetCondition.KeyCondition condition) {
		LastSetArgs last = this.lastSetArgs;
		if (last != null && last.millis == millis && last.condition == condition) {
			return last.args;
		}
		SetArgs args = new SetArgs();
		if (millis != TtlPolicy.PERSISTENT) {
			args.px(millis);
		}
		switch (condition) {
			case IF_ABSENT -> args.nx();
			case IF_PRESENT -> args.xx();
			case UPSERT -> {
			}
		}
		this.lastSetArgs = new LastSetArgs(millis, condition, args);
		return args;
	}

	/**
	 * Runs a single-key script that answers a list: {@code EVALSHA}, then {@code EVAL}
	 * when the server does not know the script.
	 */
	@Nullable List<Object> evalMulti(LuaScripts script, byte[] key) {
		byte[][] keys = { key };
		List<Object> reply;
		try {
			reply = call((commands, k, v, a) -> commands.evalsha(script.sha1(), ScriptOutputType.MULTI, keys), key,
					null, null);
		}
		catch (DataAccessException ex) {
			if (!LuaScripts.isNoScript(ex)) {
				throw ex;
			}
			reply = call((commands, k, v, a) -> commands.eval(script.source(), ScriptOutputType.MULTI, keys), key, null,
					null);
		}
		if (reply != null) {
			for (Object element : reply) {
				if (element instanceof Exception nested) {
					throw translate(nested);
				}
			}
		}
		return reply;
	}

	private <T> @Nullable T call(Command<T> command, byte[] key, byte @Nullable [] value, @Nullable SetArgs args) {
		Shared current = this.shared;
		if (current == null) {
			current = renew(null);
		}
		try {
			return current.send(command, key, value, args, timeoutMillis());
		}
		catch (NeverSent refused) {
			// the factory closed the connection (reset or stop) before the command was
			// written: send it once more, on the factory's shared connection of now
			Shared renewed = renew(current);
			if (renewed == current) {
				throw translate(refused.getCause());
			}
			try {
				return renewed.send(command, key, value, args, timeoutMillis());
			}
			catch (NeverSent again) {
				throw translate(again.getCause());
			}
			catch (RuntimeException ex) {
				throw translate(ex);
			}
		}
		catch (RuntimeException ex) {
			throw translate(ex);
		}
	}

	private long timeoutMillis() {
		return this.factory.getClientConfiguration().getCommandTimeout().toMillis();
	}

	/**
	 * The factory's shared connection, unless another thread already replaced
	 * {@code stale}. Taken from a {@code LettuceConnection}, which opens the shared
	 * connection if the factory has none, and whose closing leaves it open.
	 */
	private synchronized Shared renew(@Nullable Shared stale) {
		Shared current = this.shared;
		if (current != null && current != stale && !current.isClosed()) {
			return current;
		}
		Object nativeConnection;
		try (RedisConnection connection = this.factory.getConnection()) {
			nativeConnection = connection.getNativeConnection();
		}
		Shared renewed = Shared.of(nativeConnection);
		if (stale != null && renewed.commands == stale.commands) {
			// the factory still holds the connection that refused the command
			return stale;
		}
		this.shared = renewed;
		return renewed;
	}

	/**
	 * A failure as Spring Data's {@code LettuceConnection} throws it: translated by the
	 * factory, else wrapped in a {@link RedisSystemException}.
	 */
	private DataAccessException translate(Exception ex) {
		DataAccessException translated = (ex instanceof RuntimeException runtime)
				? this.factory.translateExceptionIfPossible(runtime) : null;
		return (translated != null) ? translated : new RedisSystemException("Unknown redis exception", ex);
	}

	/**
	 * A command that a closed connection refused before writing it, so it may be sent
	 * again; its cause is the failure as Lettuce reported it.
	 */
	private static final class NeverSent extends RuntimeException {

		private static final long serialVersionUID = 1L;

		NeverSent(RuntimeException cause) {
			super(cause.getMessage(), cause, false, false);
		}

		@Override
		public synchronized RuntimeException getCause() {
			return (RuntimeException) super.getCause();
		}

	}

	/** One command on one key; {@code value} and {@code args} for {@code SET}. */
	@FunctionalInterface
	private interface Command<T> {

		RedisFuture<T> send(RedisClusterAsyncCommands<byte[], byte[]> commands, byte[] key, byte @Nullable [] value,
				@Nullable SetArgs args);

	}

	private record LastSetArgs(long millis, SetCondition.KeyCondition condition, SetArgs args) {
	}

	/**
	 * The shared connection's commands and, when Lettuce tells it (its standalone and
	 * cluster commands both extend {@link AbstractRedisAsyncCommands}), the connection
	 * itself.
	 */
	private record Shared(RedisClusterAsyncCommands<byte[], byte[]> commands,
			@Nullable StatefulConnection<byte[], byte[]> connection) {

		@SuppressWarnings("unchecked")
		static Shared of(Object nativeConnection) {
			if (!(nativeConnection instanceof RedisClusterAsyncCommands<?, ?> commands)) {
				throw new IllegalStateException(
						"Unexpected native connection " + nativeConnection.getClass().getName());
			}
			StatefulConnection<?, ?> connection = (commands instanceof AbstractRedisAsyncCommands<?, ?> lettuce)
					? lettuce.getConnection() : null;
			return new Shared((RedisClusterAsyncCommands<byte[], byte[]>) commands,
					(StatefulConnection<byte[], byte[]>) connection);
		}

		/**
		 * Sends the command and waits for its reply.
		 * @throws NeverSent if the connection is closed for good and the command was
		 * never written to it
		 */
		<T> @Nullable T send(Command<T> command, byte[] key, byte @Nullable [] value, @Nullable SetArgs args,
				long timeoutMillis) {
			RedisFuture<T> future;
			try {
				future = command.send(this.commands, key, value, args);
			}
			catch (RuntimeException ex) {
				// thrown before the command was handed to the channel (on a closed
				// connection whose client was shut down, by its stopped timer)
				throw isClosed() ? new NeverSent(ex) : ex;
			}
			try {
				return LettuceFutures.awaitOrCancel(future, timeoutMillis, TimeUnit.MILLISECONDS);
			}
			catch (RuntimeException ex) {
				boolean refused = ex.getClass() == RedisException.class
						&& REFUSED_BY_CLOSED_CONNECTION.equals(ex.getMessage())
						&& (this.connection == null || isClosed());
				throw refused ? new NeverSent(ex) : ex;
			}
		}

		/**
		 * Closed for good (not merely disconnected and reconnecting); {@code false} when
		 * unknown.
		 */
		boolean isClosed() {
			return this.connection instanceof RedisChannelHandler<?, ?> handler && handler.isClosed();
		}

	}

}
