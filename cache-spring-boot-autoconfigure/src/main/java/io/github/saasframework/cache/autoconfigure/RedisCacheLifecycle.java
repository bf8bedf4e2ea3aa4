package io.github.saasframework.cache.autoconfigure;

import io.github.saasframework.cache.RedisCache;

import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Closes the auto-configured {@link RedisCache} (its near-cache tracking connections, its
 * lock-release subscription, its threads) when the application context stops, just before
 * the connection factory stops.
 * <p>
 * Why not only when the bean is destroyed: Spring Data Redis's connection factories are
 * {@link SmartLifecycle} beans, stopped before any bean is destroyed, and stopping one
 * shuts its client down and closes every connection of that client, the cache's own
 * included. The cache then closed them a second time and Lettuce logged "Connection is
 * already closed" at every shutdown. This bean is created with the factory, so Spring's
 * lifecycle processor stops it before the factory (dependent beans first), in the
 * factory's phase, so after the web server has finished its requests.
 */
final class RedisCacheLifecycle implements SmartLifecycle {

	private final RedisCache cache;

	private final int phase;

	private volatile boolean running;

	RedisCacheLifecycle(RedisConnectionFactory connectionFactory, RedisCache cache) {
		this.cache = cache;
		// a factory that is no lifecycle bean is only stopped when destroyed, after the
		// cache: stop last
		this.phase = (connectionFactory instanceof SmartLifecycle lifecycle) ? lifecycle.getPhase() : Integer.MIN_VALUE;
	}

	@Override
	public void start() {
		this.running = true;
	}

	/**
	 * Closes the cache; it is not opened again by a later {@link #start()}.
	 */
	@Override
	public void stop() {
		this.running = false;
		this.cache.close();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return this.phase;
	}

}
