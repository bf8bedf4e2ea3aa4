package io.github.saasframework.cache.internal.redis;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.AbstractRedisAsyncCommands;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The native Lettuce connection the {@link RedisDoor} sends its commands on: the
 * factory's shared native connection (Spring Boot's default), looked up once and kept, or
 * for a factory that shares none a connection borrowed from it for as long as the door is
 * open. When the factory resets or stops, it closes the shared connection: a command that
 * the closed connection refused before writing it is sent again, once, on the factory's
 * connection of now. Thread-safe.
 */
final class NativeConnection {

	/**
	 * Lettuce's message for a command refused by a closed connection before it was
	 * written (a command cut off by the close says "Connection closed").
	 */
	private static final String REFUSED_BY_CLOSED_CONNECTION = "Connection is closed";

	/** Lettuce's message for a connection closed before its handshake completed. */
	private static final String CLOSED_DURING_HANDSHAKE = "Connection closed prematurely";

	private final LettuceConnectionFactory factory;

	private volatile @Nullable Shared shared;

	/** The connection borrowed from a factory that shares none, closed with the door. */
	private @Nullable RedisConnection borrowed;

	private boolean closed;

	NativeConnection(LettuceConnectionFactory factory) {
		this.factory = factory;
	}

	@SuppressWarnings("unchecked")
	<T> CompletableFuture<T> send(Command<T> command, byte[] key, byte @Nullable [] value, @Nullable Object args) {
		Shared current = this.shared;
		if (current == null) {
			try {
				current = renew(null);
			}
			catch (RuntimeException ex) {
				// no connection (Redis unreachable, credentials refused): the command
				// fails as a command does, in its future
				return CompletableFuture.failedFuture(ex);
			}
		}
		RedisFuture<T> future = current.send(command, key, value, args);
		if (future.isDone() && current.refused(future)) {
			// the factory closed the connection (reset or stop) before the command was
			// written: send it once more, on the factory's connection of now
			Shared renewed;
			try {
				renewed = renew(current);
			}
			catch (RuntimeException ex) {
				return CompletableFuture.failedFuture(ex);
			}
			if (renewed != current) {
				future = renewed.send(command, key, value, args);
			}
		}
		return (future instanceof CompletableFuture<?> completable) ? (CompletableFuture<T>) completable
				: future.toCompletableFuture();
	}

	/**
	 * The factory's connection, unless another thread already replaced {@code stale}.
	 * Taken from a Spring Data connection, which opens the shared connection if the
	 * factory has none and whose closing leaves it open.
	 */
	private synchronized Shared renew(@Nullable Shared stale) {
		Shared current = this.shared;
		if (current != null && current != stale && !current.isClosed()) {
			return current;
		}
		Object nativeConnection;
		try {
			nativeConnection = open();
		}
		catch (RuntimeException ex) {
			if (!closedDuringHandshake(ex)) {
				throw ex;
			}
			// Lettuce closes the channel of a handshake Redis refused (a wrong password)
			// and now and then reports the close instead of the refusal: one more
			// attempt tells which it was
			nativeConnection = open();
		}
		Shared renewed = Shared.of(nativeConnection);
		if (stale != null && renewed.commands == stale.commands) {
			// the factory still holds the connection that refused the command
			return stale;
		}
		this.shared = renewed;
		return renewed;
	}

	/** The factory's native connection, or one borrowed from it. */
	private Object open() {
		if (this.factory.getShareNativeConnection()) {
			try (RedisConnection connection = this.factory.getConnection()) {
				return connection.getNativeConnection();
			}
		}
		if (this.closed) {
			throw new IllegalStateException("The cache is closed: it no longer holds a connection of its own");
		}
		RedisConnection previous = this.borrowed;
		RedisConnection own = this.factory.getConnection();
		Object nativeConnection = own.getNativeConnection();
		this.borrowed = own;
		if (previous != null) {
			previous.close();
		}
		return nativeConnection;
	}

	private static boolean closedDuringHandshake(Throwable failure) {
		for (Throwable current = failure; current != null; current = current.getCause()) {
			if (CLOSED_DURING_HANDSHAKE.equals(current.getMessage())) {
				return true;
			}
			if (current.getCause() == current) {
				break;
			}
		}
		return false;
	}

	/**
	 * Whether a connection was opened (and is kept) since the door began or the factory
	 * last reset.
	 */
	boolean isConnected() {
		return this.shared != null;
	}

	/** Closes the borrowed connection; the shared one belongs to the factory. */
	synchronized void close() {
		this.closed = true;
		RedisConnection own = this.borrowed;
		this.borrowed = null;
		if (own != null) {
			own.close();
		}
	}

	/** One command on one key; {@code value} and {@code args} for {@code SET}. */
	@FunctionalInterface
	interface Command<T> {

		RedisFuture<T> send(RedisClusterAsyncCommands<byte[], byte[]> commands, byte[] key, byte @Nullable [] value,
				@Nullable Object args);

	}

	/**
	 * The connection's commands and, when Lettuce tells it (its standalone and cluster
	 * commands both extend {@link AbstractRedisAsyncCommands}), the connection itself.
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

		<T> RedisFuture<T> send(Command<T> command, byte[] key, byte @Nullable [] value, @Nullable Object args) {
			try {
				return command.send(this.commands, key, value, args);
			}
			catch (RuntimeException ex) {
				// thrown before the command was handed to the channel (on a closed
				// connection whose client was shut down, by its stopped timer)
				return new FailedCommand<>(isClosed() ? new RedisException(REFUSED_BY_CLOSED_CONNECTION, ex) : ex);
			}
		}

		/**
		 * Whether a completed command was refused by this connection, closed for good.
		 */
		boolean refused(RedisFuture<?> future) {
			Throwable failure = failureOf(future);
			return failure != null && failure.getClass() == RedisException.class
					&& REFUSED_BY_CLOSED_CONNECTION.equals(failure.getMessage())
					&& (this.connection == null || isClosed());
		}

		/**
		 * Closed for good (not merely disconnected and reconnecting); {@code false} when
		 * unknown.
		 */
		boolean isClosed() {
			return this.connection instanceof RedisChannelHandler<?, ?> handler && handler.isClosed();
		}

		private static @Nullable Throwable failureOf(RedisFuture<?> future) {
			CompletableFuture<?> completable = future.toCompletableFuture();
			if (!completable.isCompletedExceptionally()) {
				return null;
			}
			try {
				completable.getNow(null);
				return null;
			}
			catch (CompletionException ex) {
				return ex.getCause();
			}
			catch (CancellationException ex) {
				return ex;
			}
		}

	}

	/** A command that failed before it was sent. */
	private static final class FailedCommand<T> extends CompletableFuture<T> implements RedisFuture<T> {

		FailedCommand(Throwable failure) {
			completeExceptionally(failure);
		}

		@Override
		public @Nullable String getError() {
			return null;
		}

		@Override
		public boolean await(long timeout, TimeUnit unit) {
			return true;
		}

	}

}
