package io.github.saasframework.cache.internal.redis;

import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;

import io.github.saasframework.cache.internal.ThrottledLog;
import io.lettuce.core.AbstractRedisAsyncCommands;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandInterruptedException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.internal.ExceptionFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.data.redis.RedisSystemException;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.SetCondition;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisCallback;

/**
 * The one door every Redis command of the library goes through. Each command is sent on
 * Lettuce's asynchronous API and returned as a {@link CompletableFuture}: the
 * non-blocking API completes callers from it, and blocking callers
 * {@link #await(CompletableFuture) await} it with the factory's command timeout. One
 * method per command, on raw bytes; values are encoded and decoded by the callers.
 * Nothing here knows a feature of the cache.
 * <p>
 * The commands go to the connection factory's shared native connection (Spring Boot's
 * default), looked up once and kept; a factory that does not share one lends the door a
 * connection of its own for as long as the door is open. The connection opens on a thread
 * of its own, so that sending a command never waits for it. On a Redis Cluster the
 * connection routes each command by its key's slot and splits multi-key commands
 * ({@code MGET}, {@code UNLINK}, {@code EXISTS}) by slot. When the factory resets or
 * stops, it closes the shared connection: a command the closed connection refused before
 * writing it is sent again, once, on the factory's new connection.
 * <p>
 * Failures complete the futures (and leave {@link #await}) as Spring's
 * {@link DataAccessException}s, translated by the factory as Spring Data's own
 * {@code LettuceConnection} does, so callers see the same exception types either way. A
 * refusal by Redis ({@code WRONGPASS}, {@code NOAUTH}, {@code NOPERM}: a
 * {@linkplain Outages#isConfigurationError configuration error}) keeps its type but says
 * what to fix, is logged as one line at most every 30 seconds, and is remembered for the
 * health check ({@link #lastRefusal()}). Every command that writes a key tells the
 * {@link WriteListener} given at construction, after Redis answered (or the command
 * failed or timed out, since it may still have written) and before the caller learns the
 * outcome. Thread-safe.
 */
public final class RedisDoor implements AutoCloseable {

	/**
	 * Tokens come from a DRBG seeded once here: the platform default (NativePRNG on
	 * Linux) reads {@code /dev/urandom} on every call, file I/O that must not run on the
	 * event-loop threads that create tokens for the non-blocking API (BlockHound reports
	 * it).
	 */
	private static final SecureRandom RANDOM = seededDrbg();

	private static final int TOKEN_BYTES = 18;

	// non-capturing, so that a call allocates no command object
	private static final NativeConnection.Command<byte[]> GET = (commands, key, value, args) -> commands.get(key);

	private static final NativeConnection.Command<String> SET = (commands, key, value, args) -> commands.set(key, value,
			(SetArgs) args);

	private final LettuceConnectionFactory factory;

	private final WriteListener listener;

	private final long timeoutNanos;

	private final Duration timeout;

	/** Whether the client times commands out by itself (Lettuce's timeout options). */
	private final boolean commandsTimeOut;

	private final NativeConnection connection;

	/**
	 * The arguments of the last {@code SET}, used again while its TTL and condition
	 * repeat (as the default TTL does); Lettuce only reads them.
	 */
	private volatile @Nullable LastSetArgs lastSetArgs;

	private final ThrottledLog refusals = new ThrottledLog(RedisDoor.class);

	private volatile @Nullable Refusal lastRefusal;

	/** The failure of the last connection attempt whose credentials Redis refused. */
	private volatile @Nullable RuntimeException refusedCredentials;

	/**
	 * A door on a connection factory.
	 * @param factory Lettuce's connection factory, started
	 * @param listener told of every key a command writes (or may have written)
	 * @throws IllegalArgumentException if the factory is not Lettuce's
	 */
	public RedisDoor(RedisConnectionFactory factory, WriteListener listener) {
		this(factory, listener, Duration.ZERO);
	}

	/**
	 * A door on a connection factory whose callers wait for Redis at most
	 * {@code commandTimeout}, when that is shorter than the factory's command timeout.
	 * @param factory Lettuce's connection factory, started
	 * @param listener told of every key a command writes (or may have written)
	 * @param commandTimeout the longest a caller waits; {@link Duration#ZERO} for the
	 * factory's command timeout
	 * @throws IllegalArgumentException if the factory is not Lettuce's
	 */
	public RedisDoor(RedisConnectionFactory factory, WriteListener listener, Duration commandTimeout) {
		if (!(factory instanceof LettuceConnectionFactory lettuce)) {
			throw new IllegalArgumentException("The cache needs Spring Data Redis's LettuceConnectionFactory (its"
					+ " commands run on Lettuce's asynchronous API); the connection factory is a "
					+ factory.getClass().getName());
		}
		this.factory = lettuce;
		// loads the scripts now: reading their resources is file I/O, which must not
		// happen on the event-loop thread of the first command that runs one
		LuaScripts.values();
		this.connection = new NativeConnection(lettuce);
		this.listener = listener;
		Duration factoryTimeout = lettuce.getClientConfiguration().getCommandTimeout();
		boolean shorter = !commandTimeout.isZero() && commandTimeout.compareTo(factoryTimeout) < 0;
		this.timeout = shorter ? commandTimeout : factoryTimeout;
		this.timeoutNanos = this.timeout.toNanos();
		// a factory made without client options leaves the client with Lettuce's
		// defaults, which time commands out since Lettuce 7: adding a timer of our own
		// there would run two per command, unless the cache's timeout is the shorter
		this.commandsTimeOut = !shorter && lettuce.getClientConfiguration()
			.getClientOptions()
			.orElseGet(ClientOptions::create)
			.getTimeoutOptions()
			.isTimeoutCommands();
		Reconnect.advise(lettuce);
	}

	/**
	 * The connection factory.
	 * @return the factory
	 */
	public RedisConnectionFactory factory() {
		return this.factory;
	}

	/**
	 * Whether the factory connects to a Redis Cluster.
	 * @return {@code true} for a cluster
	 */
	public boolean isCluster() {
		return this.factory.isClusterAware();
	}

	/**
	 * How long a blocking caller waits for a reply: the factory's command timeout, or the
	 * cache's when that is shorter.
	 * @return the timeout
	 */
	public Duration timeout() {
		return this.timeout;
	}

	// ---------------------------------------------------------------- reads

	/**
	 * {@code GET key}.
	 * @param key the key
	 * @return the value, or {@code null} in the future when the key does not exist
	 */
	public CompletableFuture<byte @Nullable []> get(byte[] key) {
		return send(GET, key, null, null);
	}

	/**
	 * A value and its remaining TTL in one round trip (one single-key script, so it works
	 * on a cluster too).
	 * @param key the key
	 * @return the entry, or {@code null} in the future when the key does not exist
	 */
	public CompletableFuture<@Nullable StoredEntry> getWithTtl(byte[] key) {
		return evalMulti(LuaScripts.GET_WITH_TTL, key).thenApply(StoredEntry::of);
	}

	/**
	 * {@code MGET}, split by slot on a cluster.
	 * @param keys the keys
	 * @return the values in the order of the keys, {@code null} for a missing key
	 */
	public CompletableFuture<List<byte @Nullable []>> mGet(byte[][] keys) {
		return this
			.<List<KeyValue<byte[], byte[]>>>send((commands, k, v, a) -> commands.mget(keys), keys[0], null, null)
			.thenApply((found) -> {
				List<byte @Nullable []> values = new ArrayList<>(found.size());
				for (KeyValue<byte[], byte[]> entry : found) {
					values.add(entry.hasValue() ? entry.getValue() : null);
				}
				return values;
			});
	}

	/**
	 * {@code EXISTS}.
	 * @param keys the keys
	 * @return how many of the keys exist
	 */
	public CompletableFuture<Long> exists(byte[]... keys) {
		return send((commands, k, v, a) -> commands.exists(keys), keys[0], null, null);
	}

	/**
	 * {@code PTTL}.
	 * @param key the key
	 * @return the remaining TTL in milliseconds: -2 no such key, -1 no expiry
	 */
	public CompletableFuture<Long> pTtl(byte[] key) {
		return send((commands, k, v, a) -> commands.pttl(k), key, null, null);
	}

	// ---------------------------------------------------------------- writes

	/**
	 * {@code SET key value [PX millis] [NX|XX]}.
	 * @param key the key
	 * @param value the value
	 * @param millis the TTL, or {@code TtlPolicy.PERSISTENT} for none
	 * @param condition upsert, if absent or if present
	 * @return {@code "OK"} when it was written, {@code null} when the condition kept it
	 * from being written (see {@link #isWritten(String)})
	 */
	public CompletableFuture<@Nullable String> set(byte[] key, byte[] value, long millis, SetCondition condition) {
		return written(send(SET, key, value, setArgs(millis, condition.getKeyCondition())), key);
	}

	/**
	 * Whether a {@code SET} reply says the value was written.
	 * @param reply the reply of {@link #set}
	 * @return {@code true} for {@code OK}
	 */
	public static boolean isWritten(@Nullable String reply) {
		return "OK".equals(reply);
	}

	/**
	 * {@code UNLINK}, split by slot on a cluster.
	 * @param keys the keys
	 * @return how many keys were removed
	 */
	public CompletableFuture<Long> unlink(byte[]... keys) {
		return written(send((commands, k, v, a) -> commands.unlink(keys), keys[0], null, null), keys);
	}

	/**
	 * {@code PEXPIRE}.
	 * @param key the key
	 * @param millis the TTL
	 * @return whether the key exists
	 */
	public CompletableFuture<Boolean> pExpire(byte[] key, long millis) {
		return written(send((commands, k, v, a) -> commands.pexpire(k, millis), key, null, null), key);
	}

	/**
	 * {@code PEXPIREAT}.
	 * @param key the key
	 * @param epochMillis the instant
	 * @return whether the key exists
	 */
	public CompletableFuture<Boolean> pExpireAt(byte[] key, long epochMillis) {
		return written(send((commands, k, v, a) -> commands.pexpireat(k, epochMillis), key, null, null), key);
	}

	/**
	 * {@code PERSIST}.
	 * @param key the key
	 * @return whether a TTL was removed
	 */
	public CompletableFuture<Boolean> persist(byte[] key) {
		return written(send((commands, k, v, a) -> commands.persist(k), key, null, null), key);
	}

	/**
	 * {@code INCRBY}.
	 * @param key the key
	 * @param delta the amount
	 * @return the new value
	 */
	public CompletableFuture<Long> incrBy(byte[] key, long delta) {
		return written(send((commands, k, v, a) -> commands.incrby(k, delta), key, null, null), key);
	}

	/**
	 * {@code DECRBY}.
	 * @param key the key
	 * @param delta the amount
	 * @return the new value
	 */
	public CompletableFuture<Long> decrBy(byte[] key, long delta) {
		return written(send((commands, k, v, a) -> commands.decrby(k, delta), key, null, null), key);
	}

	/**
	 * {@code INCRBYFLOAT}.
	 * @param key the key
	 * @param delta the amount
	 * @return the new value
	 */
	public CompletableFuture<Double> incrByFloat(byte[] key, double delta) {
		return written(send((commands, k, v, a) -> commands.incrbyfloat(k, delta), key, null, null), key);
	}

	/**
	 * {@code RENAME} (the keys must be in one slot on a cluster: the caller checks).
	 * @param from the old key
	 * @param to the new key
	 * @return completes when renamed
	 */
	public CompletableFuture<String> rename(byte[] from, byte[] to) {
		return written(send((commands, k, v, a) -> commands.rename(k, to), from, null, null), from, to);
	}

	/**
	 * Runs one of the library's Lua scripts on keys of one hash slot ({@code EVALSHA},
	 * then {@code EVAL} when the server does not know the script) and answers its integer
	 * reply. The keys count as written.
	 * @param script the script
	 * @param keys its keys, all in one slot
	 * @param args its arguments
	 * @return the reply, 0 for none
	 */
	public CompletableFuture<Long> eval(LuaScripts script, byte[][] keys, byte[]... args) {
		CompletableFuture<@Nullable Long> reply = script(script, ScriptOutputType.INTEGER, keys, args);
		return written(reply, keys).thenApply((value) -> (value != null) ? value : 0L);
	}

	/**
	 * As {@link #eval(LuaScripts, byte[][], byte[]...)} on one key.
	 * @param script the script
	 * @param key its key
	 * @param args its arguments
	 * @return the reply, 0 for none
	 */
	public CompletableFuture<Long> eval(LuaScripts script, byte[] key, byte[]... args) {
		return eval(script, new byte[][] { key }, args);
	}

	/** A read-only script on one key that answers a list. */
	private CompletableFuture<@Nullable List<Object>> evalMulti(LuaScripts script, byte[] key) {
		return this.<@Nullable List<Object>>script(script, ScriptOutputType.MULTI, new byte[][] { key })
			.thenApply((reply) -> {
				if (reply != null) {
					for (Object element : reply) {
						if (element instanceof RuntimeException nested) {
							throw new CompletionException(nested);
						}
					}
				}
				return reply;
			});
	}

	private <T> CompletableFuture<T> script(LuaScripts script, ScriptOutputType type, byte[][] keys, byte[]... args) {
		CompletableFuture<T> sent = send((commands, k, v, a) -> commands.evalsha(script.sha1(), type, keys, args),
				keys[0], null, null);
		return sent.exceptionallyCompose((failure) -> LuaScripts.isNoScript(failure)
				? send((commands, k, v, a) -> commands.eval(script.source(), type, keys, args), keys[0], null, null)
				: CompletableFuture.failedFuture(failure));
	}

	// ---------------------------------------------------------------- blocking and other
	// calls

	/**
	 * Waits for a command's reply, at most the command timeout (then the command is
	 * cancelled), as Spring Data's {@code LettuceConnection} does.
	 * @param <T> the reply type
	 * @param future the command's future (or one derived from it)
	 * @return the reply
	 * @throws DataAccessException the failure, translated by the factory
	 */
	public <T> T await(CompletableFuture<T> future) {
		try {
			if (!future.isDone()) {
				try {
					return future.get(this.timeoutNanos, TimeUnit.NANOSECONDS);
				}
				catch (TimeoutException ex) {
					future.cancel(true);
					throw ExceptionFactory.createTimeoutException(this.timeout);
				}
			}
			return future.get();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw translate(new RedisCommandInterruptedException(ex));
		}
		catch (ExecutionException | CancellationException | RedisException ex) {
			throw translate(ex);
		}
	}

	/**
	 * The future of a command for a caller that must not wait longer than the command
	 * timeout: as it is when the client times commands out itself at that timeout (Spring
	 * Data's default client options), else with the timeout added (no client timeouts, or
	 * the cache's is the shorter).
	 * @param <T> the reply type
	 * @param future the command's future
	 * @return a future that completes within about the command timeout
	 */
	public <T> CompletableFuture<T> bounded(CompletableFuture<T> future) {
		return this.commandsTimeOut ? future : future.orTimeout(this.timeoutNanos, TimeUnit.NANOSECONDS);
	}

	/**
	 * A failure as Spring Data's {@code LettuceConnection} throws it: Lettuce's exception
	 * translated by the factory, else wrapped in a {@link RedisSystemException}; a
	 * {@link DataAccessException} stays as it is.
	 * @param failure what a future completed with or a call threw
	 * @return the exception to throw or complete with
	 */
	public RuntimeException translate(Throwable failure) {
		return refused(translated(failure));
	}

	/**
	 * The last refusal by Redis (a configuration error) that a command of this door met.
	 * @return the refusal, or {@code null} if none so far
	 */
	public @Nullable Refusal lastRefusal() {
		return this.lastRefusal;
	}

	private RuntimeException translated(Throwable failure) {
		Throwable cause = failure;
		while ((cause instanceof CompletionException || cause instanceof ExecutionException)
				&& cause.getCause() != null) {
			cause = cause.getCause();
		}
		if (cause instanceof DataAccessException access) {
			return access;
		}
		if (cause instanceof TimeoutException) {
			cause = ExceptionFactory.createTimeoutException(this.timeout);
		}
		else if (cause instanceof RedisCommandExecutionException execution
				&& !(cause instanceof RedisCommandTimeoutException)) {
			cause = ExceptionFactory.createExecutionException(execution.getMessage(), execution);
		}
		if (cause instanceof RuntimeException runtime) {
			DataAccessException translated = this.factory.translateExceptionIfPossible(runtime);
			if (translated != null) {
				return translated;
			}
			if (runtime instanceof CancellationException || !(runtime instanceof RedisException)) {
				return runtime;
			}
		}
		if (cause instanceof Error error) {
			throw error;
		}
		return new RedisSystemException("Unknown redis exception", cause);
	}

	/**
	 * Runs a callback on a Spring Data connection of the factory that is closed
	 * afterwards: for {@code SCAN} walks, which hold a cursor across calls.
	 * @param <T> the result type
	 * @param action the callback
	 * @return its result
	 */
	public <T> T execute(RedisCallback<T> action) {
		try (RedisConnection connection = this.factory.getConnection()) {
			return action.doInRedis(connection);
		}
		catch (DataAccessException ex) {
			throw refused(ex);
		}
	}

	/**
	 * Closes the connection borrowed from a factory that shares none; the shared
	 * connection belongs to the factory and stays open.
	 */
	@Override
	public void close() {
		this.connection.close();
	}

	@Override
	public String toString() {
		return "RedisDoor[" + this.factory + "]";
	}

	/**
	 * A new random, unguessable owner token (24 URL-safe characters), for locks and load
	 * leases.
	 * @return the token
	 */
	public static byte[] newToken() {
		byte[] random = new byte[TOKEN_BYTES];
		RANDOM.nextBytes(random);
		return Base64.getUrlEncoder().withoutPadding().encode(random);
	}

	private static SecureRandom seededDrbg() {
		SecureRandom random;
		try {
			random = SecureRandom.getInstance("DRBG");
		}
		catch (NoSuchAlgorithmException ex) {
			random = new SecureRandom();
		}
		// seeds it now, on the thread that loads this class
		random.nextBytes(new byte[TOKEN_BYTES]);
		return random;
	}

	/**
	 * A number as the ASCII bytes Redis reads.
	 * @param number the number
	 * @return its decimal digits
	 */
	public static byte[] ascii(long number) {
		return Long.toString(number).getBytes(StandardCharsets.US_ASCII);
	}

	// ---------------------------------------------------------------- internals

	private <T> CompletableFuture<T> send(NativeConnection.Command<T> command, byte[] key, byte @Nullable [] value,
			@Nullable Object args) {
		try {
			return this.connection.send(command, key, value, args);
		}
		catch (RuntimeException ex) {
			// the factory could not open its connection: the future fails, as a command
			// does
			return CompletableFuture.failedFuture(ex);
		}
	}

	private SetArgs setArgs(long millis, SetCondition.KeyCondition condition) {
		LastSetArgs last = this.lastSetArgs;
		if (last != null && last.millis == millis && last.condition == condition) {
			return last.args;
		}
		SetArgs args = new SetArgs();
		if (millis >= 0) {
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
	 * The future of a writing command, completed only after the listener was told of the
	 * keys (on success, failure, cancellation and timeout alike).
	 */
	private <T> CompletableFuture<T> written(CompletableFuture<T> sent, byte[]... keys) {
		if (this.listener == WriteListener.NONE) {
			return sent;
		}
		Written<T> result = new Written<>(sent, this.listener, keys);
		sent.whenComplete(result);
		return result;
	}

	/**
	 * A configuration error as thrown: the same exception type as Spring Data's, with a
	 * message that says what to fix; noted and logged. Other failures stay as they are.
	 */
	private RuntimeException refused(RuntimeException failure) {
		if (!Outages.isConfigurationError(failure)) {
			RuntimeException credentials = this.refusedCredentials;
			if (credentials == null || !(failure instanceof RedisConnectionFailureException)
					|| this.connection.isConnected()) {
				return failure;
			}
			// Lettuce closes a connection whose AUTH was refused, and the close can
			// fail the attempt as "closed prematurely" before the refusal does: while no
			// connection has opened since Redis refused the credentials, a connection
			// that cannot be opened is that refusal
			RuntimeException again = new RedisConnectionFailureException(Outages.explain(credentials), credentials);
			again.addSuppressed(failure);
			this.lastRefusal = new Refusal(Outages.reason(credentials), Outages.explain(credentials),
					System.nanoTime());
			return again;
		}
		String explanation = Outages.explain(failure);
		if (explanation.equals(failure.getMessage())) {
			return failure;
		}
		String reason = Outages.reason(failure);
		this.lastRefusal = new Refusal(reason, explanation, System.nanoTime());
		this.refusals.error(() -> explanation);
		if (!reason.equals("NOPERM")) {
			this.refusedCredentials = failure;
		}
		if (failure instanceof RedisConnectionFailureException) {
			return new RedisConnectionFailureException(explanation, failure);
		}
		if (failure instanceof RedisSystemException) {
			return new RedisSystemException(explanation, failure);
		}
		return failure;
	}

	/**
	 * A refusal by Redis that a command met.
	 *
	 * @param reason the reply's code: {@code WRONGPASS}, {@code NOAUTH} or {@code NOPERM}
	 * @param explanation what happened and what to fix, one line
	 * @param atNanos {@code System.nanoTime()} when it happened
	 */
	public record Refusal(String reason, String explanation, long atNanos) {
	}

	private record LastSetArgs(long millis, SetCondition.KeyCondition condition, SetArgs args) {
	}

	/**
	 * A writing command's future: completed after the listener heard of the keys;
	 * cancelling it cancels the command.
	 */
	private static final class Written<T> extends CompletableFuture<T> implements BiConsumer<T, Throwable> {

		private final CompletableFuture<T> sent;

		private final WriteListener listener;

		private final byte[][] keys;

		Written(CompletableFuture<T> sent, WriteListener listener, byte[][] keys) {
			this.sent = sent;
			this.listener = listener;
			this.keys = keys;
		}

		@Override
		public void accept(T value, Throwable failure) {
			try {
				for (byte[] key : this.keys) {
					this.listener.written(key);
				}
			}
			finally {
				if (failure != null) {
					completeExceptionally(failure);
				}
				else {
					complete(value);
				}
			}
		}

		@Override
		public boolean cancel(boolean mayInterruptIfRunning) {
			this.sent.cancel(mayInterruptIfRunning);
			return super.cancel(mayInterruptIfRunning);
		}

	}

}
