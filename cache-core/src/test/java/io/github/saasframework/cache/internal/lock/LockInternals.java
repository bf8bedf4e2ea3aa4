package io.github.saasframework.cache.internal.lock;

import java.nio.charset.StandardCharsets;

import io.github.saasframework.cache.internal.redis.LuaScripts;
import io.github.saasframework.cache.internal.redis.RedisDoor;
import io.github.saasframework.cache.lock.DistributedLock;
import org.jspecify.annotations.Nullable;

/**
 * What the lock tests in other packages read of a lock's wire form: its keys, its owner
 * token, and the acquire script run by hand.
 */
public final class LockInternals {

	private LockInternals() {
	}

	/**
	 * The key of a lock's fencing counter.
	 * @param redisKey the lock key
	 * @return the counter key
	 */
	public static String fenceKey(String redisKey) {
		return RedisDistributedLock.fenceKey(redisKey);
	}

	/**
	 * Runs the acquire script for a lock with an owner token of one's choice.
	 * @param door the door
	 * @param lock the lock (of a {@code RedisCache})
	 * @param token the owner token, or {@code null} for the lock's own
	 * @param leaseMillis the lease (of the lock and its counter)
	 * @return the script's reply
	 */
	public static long acquire(RedisDoor door, DistributedLock lock, @Nullable byte[] token, long leaseMillis) {
		RedisDistributedLock redisLock = (RedisDistributedLock) lock;
		byte[][] keys = { redisLock.redisKey().getBytes(StandardCharsets.UTF_8),
				fenceKey(redisLock.redisKey()).getBytes(StandardCharsets.UTF_8) };
		return door.await(door.eval(LuaScripts.LOCK_ACQUIRE, keys, (token != null) ? token : redisLock.token(),
				RedisDoor.ascii(leaseMillis)));
	}

}
