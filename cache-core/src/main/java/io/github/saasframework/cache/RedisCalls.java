package io.github.saasframework.cache;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;

import org.jspecify.annotations.Nullable;

import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.MessageListener;
import org.springframework.data.redis.connection.RedisClusterConnection;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.ReturnType;
import org.springframework.data.redis.connection.SetCondition;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.types.Expiration;

/**
 * The one door every Redis call of this library goes through: it takes a connection from
 * the factory (with Lettuce, a view of the one shared native connection), runs the
 * command, gives the connection back, and lets Spring Data translate failures into
 * {@code DataAccessException}s. One method per operation, on raw bytes; values are
 * encoded and decoded by the callers.
 * <p>
 * Also the one place for owner tokens (locks and load leases) and for mapping a TTL in
 * milliseconds ({@link TtlPolicy#PERSISTENT} for none) to Redis's expiration.
 */
final class RedisCalls {

	private static final SecureRandom RANDOM = new SecureRandom();

	private static final int TOKEN_BYTES = 18;

	private final RedisConnectionFactory factory;

	private volatile @Nullable RedisClusterAsyncCommands<byte[], byte[]> sharedAsync;

	/**
	 * Told of every key this process writes (or tries to), so it forgets them at once.
	 */
	private NearCache near = NearCache.off();

	RedisCalls(RedisConnectionFactory factory) {
		this.factory = factory;
	}

	/**
	 * Sets the near cache that forgets a key when this process writes it; called once,
	 * before the cache is published.
	 */
	void near(NearCache near) {
		this.near = near;
	}

	/**
	 * The near cache forgets a key that was written, or that a failed call may have
	 * written.
	 */
	private void written(byte[] key) {
		this.near.written(key);
	}

	RedisConnectionFactory factory() {
		return this.factory;
	}

	/** Runs one callback on a connection that is closed afterwards. */
	<T> T execute(RedisCallback<T> action) {
		try (RedisConnection connection = this.factory.getConnection()) {
			return action.doInRedis(connection);
		}
	}

	/**
	 * Runs the callback in one pipeline (one round trip per node) and returns nothing.
	 */
	void pipelined(RedisCallback<?> action) {
		execute((connection) -> {
			connection.openPipeline();
			try {
				action.doInRedis(connection);
			}
			finally {
				connection.closePipeline();
			}
			return null;
		});
	}

	byte @Nullable [] get(byte[] key) {
		return execute((connection) -> connection.stringCommands().get(key));
	}

	/**
	 * A value and its remaining TTL, read in one round trip (one single-key script, so it
	 * works on a cluster too).
	 * @return {@code null} when the key does not exist
	 */
	@Nullable StoredEntry getWithTtl(byte[] key) {
		List<Object> reply = execute((connection) -> LuaScripts.GET_WITH_TTL.run(connection, ReturnType.MULTI, key));
		if (reply == null || reply.size() < 2 || !(reply.get(0) instanceof byte[] value)) {
			return null;
		}
		Object ttl = reply.get(1);
		return new StoredEntry(value, (ttl instanceof Number millis) ? millis.longValue() : StoredEntry.NO_EXPIRY);
	}

	List<byte[]> mGet(byte[][] keys) {
		List<byte[]> values = execute((connection) -> connection.stringCommands().mGet(keys));
		return (values != null) ? values : List.of();
	}

	/** {@code SET key value [PX millis] [NX]}; whether it was written. */
	boolean set(byte[] key, byte[] value, long millis, SetCondition condition) {
		Expiration expiration = expiration(millis);
		try {
			return Boolean.TRUE
				.equals(execute((connection) -> connection.stringCommands().set(key, value, condition, expiration)));
		}
		finally {
			written(key);
		}
	}

	long unlink(byte[]... keys) {
		try {
			return orZero(execute((connection) -> connection.keyCommands().unlink(keys)));
		}
		finally {
			writtenAll(keys);
		}
	}

	long exists(byte[]... keys) {
		return orZero(execute((connection) -> connection.keyCommands().exists(keys)));
	}

	/** Remaining TTL in milliseconds: -2 no such key, -1 no expiry. */
	long pTtl(byte[] key) {
		Long millis = execute((connection) -> connection.keyCommands().pTtl(key));
		return (millis != null) ? millis : -2;
	}

	boolean pExpire(byte[] key, long millis) {
		try {
			return Boolean.TRUE.equals(execute((connection) -> connection.keyCommands().pExpire(key, millis)));
		}
		finally {
			written(key);
		}
	}

	boolean pExpireAt(byte[] key, long epochMillis) {
		try {
			return Boolean.TRUE.equals(execute((connection) -> connection.keyCommands().pExpireAt(key, epochMillis)));
		}
		finally {
			written(key);
		}
	}

	boolean persist(byte[] key) {
		try {
			return Boolean.TRUE.equals(execute((connection) -> connection.keyCommands().persist(key)));
		}
		finally {
			written(key);
		}
	}

	@Nullable Long incrBy(byte[] key, long delta) {
		try {
			return execute((connection) -> connection.stringCommands().incrBy(key, delta));
		}
		finally {
			written(key);
		}
	}

	@Nullable Long decrBy(byte[] key, long delta) {
		try {
			return execute((connection) -> connection.stringCommands().decrBy(key, delta));
		}
		finally {
			written(key);
		}
	}

	@Nullable Double incrByFloat(byte[] key, double delta) {
		try {
			return execute((connection) -> connection.stringCommands().incrBy(key, delta));
		}
		finally {
			written(key);
		}
	}

	/**
	 * {@code RENAME}, one connection: {@code clusterCheck} runs first when the connection
	 * is to a Redis Cluster (and may refuse by throwing, before anything is sent).
	 */
	void rename(byte[] from, byte[] to, Runnable clusterCheck) {
		execute((connection) -> {
			if (connection instanceof RedisClusterConnection) {
				clusterCheck.run();
			}
			try {
				connection.keyCommands().rename(from, to);
			}
			finally {
				written(from);
				written(to);
			}
			return null;
		});
	}

	/** Runs one of the library's single-key Lua scripts and returns its integer reply. */
	long eval(LuaScripts script, byte[] key, byte[]... args) {
		return eval(script, new byte[][] { key }, args);
	}

	/**
	 * Runs one of the library's Lua scripts on keys of one hash slot and returns its
	 * integer reply.
	 */
	long eval(LuaScripts script, byte[][] keys, byte[]... args) {
		try {
			return execute((connection) -> script.run(connection, keys, args));
		}
		finally {
			writtenAll(keys);
		}
	}

	/**
	 * Runs one of the library's single-key Lua scripts without blocking the caller: on
	 * Lettuce's shared native connection, through its asynchronous commands (so thousands
	 * of calls need no thread each, and the command is ordered after every command this
	 * library sent before on that connection). Failures complete the future with Spring's
	 * {@code DataAccessException}, as the blocking calls throw them. With another driver,
	 * or without a shared connection, the blocking call runs on {@code fallback}.
	 */
	CompletableFuture<Long> evalAsync(LuaScripts script, byte[] key, Executor fallback, byte[]... args) {
		RedisClusterAsyncCommands<byte[], byte[]> async = sharedAsyncCommands();
		if (async == null) {
			return CompletableFuture.supplyAsync(() -> eval(script, key, args), fallback);
		}
		byte[][] keys = { key };
		CompletableFuture<Long> result = new CompletableFuture<>();
		result.whenComplete((value, failure) -> written(key));
		try {
			async.<Long>evalsha(script.sha1(), ScriptOutputType.INTEGER, keys, args).whenComplete((value, failure) -> {
				if (failure == null) {
					result.complete(orZero(value));
				}
				else if (LuaScripts.isNoScript(failure)) {
					async.<Long>eval(script.source(), ScriptOutputType.INTEGER, keys, args)
						.whenComplete((loaded, again) -> complete(result, loaded, again));
				}
				else {
					complete(result, null, failure);
				}
			});
		}
		catch (RuntimeException ex) {
			complete(result, null, ex);
		}
		return result;
	}

	/**
	 * Opens a connection of its own that listens on {@code channel}; more channels are
	 * added and removed through the returned subscription. The caller closes the
	 * connection. With Lettuce the subscription survives reconnects (Lettuce subscribes
	 * again).
	 */
	RedisConnection subscribe(MessageListener listener, byte[] channel) {
		RedisConnection connection = this.factory.getConnection();
		try {
			connection.subscribe(listener, channel);
			return connection;
		}
		catch (RuntimeException ex) {
			connection.close();
			throw ex;
		}
	}

	private void writtenAll(byte[][] keys) {
		for (byte[] key : keys) {
			written(key);
		}
	}

	/** A new random, unguessable owner token (24 URL-safe characters). */
	static byte[] newToken() {
		byte[] random = new byte[TOKEN_BYTES];
		RANDOM.nextBytes(random);
		return Base64.getUrlEncoder().withoutPadding().encode(random);
	}

	static byte[] ascii(long number) {
		return Long.toString(number).getBytes(StandardCharsets.US_ASCII);
	}

	static Expiration expiration(long millis) {
		return (millis == TtlPolicy.PERSISTENT) ? Expiration.persistent() : Expiration.milliseconds(millis);
	}

	@SuppressWarnings("unchecked")
	private @Nullable RedisClusterAsyncCommands<byte[], byte[]> sharedAsyncCommands() {
		if (this.factory instanceof LettuceConnectionFactory lettuce && lettuce.getShareNativeConnection()) {
			// the shared native connection outlives the LettuceConnection that hands it
			// out
			Object nativeConnection = execute(RedisConnection::getNativeConnection);
			if (nativeConnection instanceof RedisClusterAsyncCommands<?, ?> commands) {
				return (RedisClusterAsyncCommands<byte[], byte[]>) commands;
			}
		}
		return null;
	}

	private void complete(CompletableFuture<Long> result, @Nullable Long value, @Nullable Throwable failure) {
		if (failure == null) {
			result.complete(orZero(value));
			return;
		}
		Throwable cause = (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause()
				: failure;
		if (cause instanceof RedisException && String.valueOf(cause.getMessage()).contains("closed")) {
			// the factory was reset or destroyed: fetch its shared connection again next
			// time
			this.sharedAsync = null;
		}
		if (cause instanceof RuntimeException runtime) {
			DataAccessException translated = this.factory.translateExceptionIfPossible(runtime);
			result.completeExceptionally((translated != null) ? translated : runtime);
		}
		else {
			result.completeExceptionally(cause);
		}
	}

	private static long orZero(@Nullable Long value) {
		return (value != null) ? value : 0;
	}

}
