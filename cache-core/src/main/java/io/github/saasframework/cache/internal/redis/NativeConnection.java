package io.github.saasframework.cache.internal.redis;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

import io.github.saasframework.cache.internal.DaemonThreads;
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
 * open. The connection opens on a thread of its own, never on the thread of the command
 * that needs it: commands sent meanwhile wait for that one attempt in their futures. When
 * the factory resets or stops, it closes the shared connection: a command that the closed
 * connection refused before writing it is sent again, once, on the factory's connection
 * of now. Thread-safe.
 */
final class NativeConnection {

	/**
	 * Lettuce's message for a command refused by a closed connection before it was
	 * written (a command cut off by the close says "Connection closed").
	 */
	private static final String REFUSED_BY_CLOSED_CONNECTION = "Connection is closed";

	/** Lettuce's message for a connection closed before its handshake completed. */
	private static final String CLOSED_DURING_HANDSHAKE = "Connection closed prematurely";

	/**
	 * Where connections open: connecting blocks until Redis answered the handshake (up to
	 * the connect timeout), which must not happen on the thread of a non-blocking caller.
	 * Its daemon threads end when idle.
	 */
	private static final Executor OPENER = DaemonThreads.cachedPool("cache-connect");

	private final LettuceConnectionFactory factory;

	private volatile @Nullable Shared shared;

	/** The attempt to open the connection under way, if any; guarded by {@code this}. */
	private @Nullable CompletableFuture<Shared> opening;

	/** Guards {@link #borrowed} and {@link #closed}. */
	private final Object borrowing = new Object();

	/** The connection borrowed from a factory that shares none, closed with the door. */
	private @Nullable RedisConnection borrowed;

	private boolean closed;

	NativeConnection(LettuceConnectionFactory factory) {
		this.factory = factory;
	}

	/**
	 * Sends a command. While no connection is open (the first command, or the first since
	 * the factory reset), the connection opens on a thread of its own, one attempt shared
	 * by every command that waits for it, and the command follows once it is open: the
	 * thread that sends never waits for a connection.
	 */
	<T> CompletableFuture<T> send(Command<T> command, byte[] key, byte @Nullable [] value, @Nullable Object args) {
		Shared current = this.shared;
		if (current == null) {
			return Pending.send(opened(null), null, null, command, key, value, args);
		}
		RedisFuture<T> future = current.send(command, key, value, args);
		if (future.isDone() && current.refused(future)) {
			// the factory closed the connection (reset or stop) before the command was
			// written: send it once more, on the factory's connection of now
			return Pending.send(opened(current), current, future, command, key, value, args);
		}
		return completable(future);
	}

	/**
	 * The factory's connection, unless another thread already replaced {@code stale}: at
	 * once when it is open, else the attempt to open it under way or a new one, started
	 * on {@link #OPENER}.
	 */
	private synchronized CompletableFuture<Shared> opened(@Nullable Shared stale) {
		Shared current = this.shared;
		if (current != null && current != stale && !current.isClosed()) {
			return CompletableFuture.completedFuture(current);
		}
		CompletableFuture<Shared> attempt = this.opening;
		if (attempt == null) {
			CompletableFuture<Shared> started = new CompletableFuture<>();
			this.opening = started;
			attempt = started;
			try {
				OPENER.execute(() -> open(stale, started));
			}
			catch (RuntimeException ex) {
				this.opening = null;
				started.completeExceptionally(ex);
			}
		}
		return attempt;
	}

	/** One attempt to open the connection, on {@link #OPENER}. */
	private void open(@Nullable Shared stale, CompletableFuture<Shared> attempt) {
		Shared renewed = null;
		Throwable failure = null;
		try {
			renewed = renew(stale);
		}
		catch (Throwable ex) {
			failure = ex;
		}
		synchronized (this) {
			this.opening = null;
		}
		if (failure != null) {
			attempt.completeExceptionally(failure);
		}
		else {
			attempt.complete(renewed);
		}
	}

	/**
	 * Opens the factory's connection (blocking, on {@link #OPENER}). Taken from a Spring
	 * Data connection, which opens the shared connection if the factory has none and
	 * whose closing leaves it open.
	 */
	private Shared renew(@Nullable Shared stale) {
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
		synchronized (this.borrowing) {
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
	void close() {
		RedisConnection own;
		synchronized (this.borrowing) {
			this.closed = true;
			own = this.borrowed;
			this.borrowed = null;
		}
		if (own != null) {
			own.close();
		}
	}

	@SuppressWarnings("unchecked")
	private static <T> CompletableFuture<T> completable(RedisFuture<T> future) {
		return (future instanceof CompletableFuture<?> completable) ? (CompletableFuture<T>) completable
				: future.toCompletableFuture();
	}

	private static Throwable unwrap(Throwable failure) {
		return (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause() : failure;
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

	/**
	 * A command waiting for the connection to open, sent once it is (unless the caller
	 * gave up on it before: cancelled, or timed out by {@code orTimeout}); cancelling it
	 * cancels the command if it was sent.
	 */
	private static final class Pending<T> extends CompletableFuture<T> implements BiConsumer<Shared, Throwable> {

		private final @Nullable Shared stale;

		private final @Nullable RedisFuture<T> refused;

		private final Command<T> command;

		private final byte[] key;

		private final byte @Nullable [] value;

		private final @Nullable Object args;

		private volatile @Nullable CompletableFuture<T> sent;

		private Pending(@Nullable Shared stale, @Nullable RedisFuture<T> refused, Command<T> command, byte[] key,
				byte @Nullable [] value, @Nullable Object args) {
			this.stale = stale;
			this.refused = refused;
			this.command = command;
			this.key = key;
			this.value = value;
			this.args = args;
		}

		/**
		 * The command, sent on the connection {@code opened} gives: a second time when
		 * {@code stale} refused it ({@code refused}), unless the factory still holds
		 * {@code stale}.
		 */
		static <T> Pending<T> send(CompletableFuture<Shared> opened, @Nullable Shared stale,
				@Nullable RedisFuture<T> refused, Command<T> command, byte[] key, byte @Nullable [] value,
				@Nullable Object args) {
			Pending<T> pending = new Pending<>(stale, refused, command, key, value, args);
			opened.whenComplete(pending);
			return pending;
		}

		@Override
		public void accept(@Nullable Shared connection, @Nullable Throwable failure) {
			if (failure != null || connection == null) {
				completeExceptionally(unwrap((failure != null) ? failure
						: new IllegalStateException("The connection factory gave no connection")));
				return;
			}
			if (isDone()) {
				return;
			}
			RedisFuture<T> refused = this.refused;
			CompletableFuture<T> sending = (refused != null && connection == this.stale) ? completable(refused)
					: completable(connection.send(this.command, this.key, this.value, this.args));
			this.sent = sending;
			if (isCancelled()) {
				sending.cancel(true);
			}
			sending.whenComplete((reply, error) -> {
				if (error != null) {
					completeExceptionally(unwrap(error));
				}
				else {
					complete(reply);
				}
			});
		}

		@Override
		public boolean cancel(boolean mayInterruptIfRunning) {
			// cancelled first, then the sent command read: accept() sets the sent command
			// first, then reads whether this was cancelled, so one of the two cancels it
			boolean cancelled = super.cancel(mayInterruptIfRunning);
			CompletableFuture<T> sending = this.sent;
			if (sending != null) {
				sending.cancel(mayInterruptIfRunning);
			}
			return cancelled;
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
