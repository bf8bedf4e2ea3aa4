package io.github.saasframework.cache.internal.redis;

/**
 * Told of every key a command of the {@link RedisDoor} writes or may have written (also
 * when the command failed or timed out), before the command's caller learns the outcome:
 * the near cache forgets such keys, so this process always reads its own writes.
 */
@FunctionalInterface
public interface WriteListener {

	/** A listener that does nothing (no near cache): writes then cost nothing extra. */
	WriteListener NONE = (key) -> {
	};

	/**
	 * A command wrote (or may have written) a key.
	 * @param key the Redis key
	 */
	void written(byte[] key);

}
