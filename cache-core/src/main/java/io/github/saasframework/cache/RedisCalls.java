package io.github.saasframework.cache;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisClusterConnection;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.ReturnType;
import org.springframework.data.redis.connection.SetCondition;
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

	RedisCalls(RedisConnectionFactory factory) {
		this.factory = factory;
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

	boolean isCluster() {
		return execute((connection) -> connection instanceof RedisClusterConnection);
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
		return Boolean.TRUE
			.equals(execute((connection) -> connection.stringCommands().set(key, value, condition, expiration)));
	}

	long unlink(byte[]... keys) {
		return orZero(execute((connection) -> connection.keyCommands().unlink(keys)));
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
		return Boolean.TRUE.equals(execute((connection) -> connection.keyCommands().pExpire(key, millis)));
	}

	boolean pExpireAt(byte[] key, long epochMillis) {
		return Boolean.TRUE.equals(execute((connection) -> connection.keyCommands().pExpireAt(key, epochMillis)));
	}

	boolean persist(byte[] key) {
		return Boolean.TRUE.equals(execute((connection) -> connection.keyCommands().persist(key)));
	}

	@Nullable Long incrBy(byte[] key, long delta) {
		return execute((connection) -> connection.stringCommands().incrBy(key, delta));
	}

	@Nullable Long decrBy(byte[] key, long delta) {
		return execute((connection) -> connection.stringCommands().decrBy(key, delta));
	}

	@Nullable Double incrByFloat(byte[] key, double delta) {
		return execute((connection) -> connection.stringCommands().incrBy(key, delta));
	}

	void rename(byte[] from, byte[] to) {
		execute((connection) -> {
			connection.keyCommands().rename(from, to);
			return null;
		});
	}

	/** Runs one of the library's single-key Lua scripts and returns its integer reply. */
	long eval(LuaScripts script, byte[] key, byte[]... args) {
		return execute((connection) -> script.run(connection, key, args));
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

	private static long orZero(@Nullable Long value) {
		return (value != null) ? value : 0;
	}

}
