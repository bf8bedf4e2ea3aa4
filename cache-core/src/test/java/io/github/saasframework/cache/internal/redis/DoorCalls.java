package io.github.saasframework.cache.internal.redis;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.ReturnType;
import org.springframework.data.redis.connection.SetCondition;
import org.springframework.data.redis.core.RedisCallback;

/**
 * The door's commands as blocking calls, the way the cache's blocking face uses them
 * ({@link RedisDoor#await}), for the door's tests; plus the same commands through Spring
 * Data's own connection, to compare replies and failures with.
 */
final class DoorCalls {

	final RedisDoor door;

	DoorCalls(RedisConnectionFactory factory) {
		this.door = new RedisDoor(factory, WriteListener.NONE);
	}

	byte @Nullable [] get(byte[] key) {
		return this.door.await(this.door.get(key));
	}

	boolean set(byte[] key, byte[] value, long millis, SetCondition condition) {
		return RedisDoor.isWritten(this.door.await(this.door.set(key, value, millis, condition)));
	}

	@Nullable StoredEntry getWithTtl(byte[] key) {
		return this.door.await(this.door.getWithTtl(key));
	}

	long exists(byte[]... keys) {
		return this.door.await(this.door.exists(keys));
	}

	long unlink(byte[]... keys) {
		return this.door.await(this.door.unlink(keys));
	}

	CompletableFuture<Long> evalAsync(LuaScripts script, byte[] key, byte[]... args) {
		return this.door.eval(script, key, args);
	}

	<T> T execute(RedisCallback<T> action) {
		return this.door.execute(action);
	}

	/** {@code GET_WITH_TTL} through Spring Data's connection. */
	static @Nullable List<Object> getWithTtlThroughSpring(RedisConnection connection, byte[] key) {
		return connection.scriptingCommands().eval(LuaScripts.GET_WITH_TTL.source(), ReturnType.MULTI, 1, key);
	}

}
