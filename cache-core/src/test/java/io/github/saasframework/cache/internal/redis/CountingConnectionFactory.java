package io.github.saasframework.cache.internal.redis;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.data.redis.connection.RedisConfiguration;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * A Lettuce connection factory that counts the connections it hands out, so that a test
 * can tell a call on {@link RedisDoor} (no connection per call) from a call through the
 * factory.
 */
public final class CountingConnectionFactory extends LettuceConnectionFactory {

	private final AtomicInteger connections = new AtomicInteger();

	private CountingConnectionFactory(RedisConfiguration configuration, Duration commandTimeout) {
		super(configuration, LettuceClientConfiguration.builder().commandTimeout(commandTimeout).build());
	}

	/** A started factory; the caller destroys it. */
	public static CountingConnectionFactory start(RedisConfiguration configuration, Duration commandTimeout) {
		CountingConnectionFactory factory = new CountingConnectionFactory(configuration, commandTimeout);
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

	@Override
	public RedisConnection getConnection() {
		this.connections.incrementAndGet();
		return super.getConnection();
	}

	/** How many connections {@link #getConnection()} handed out so far. */
	public int connections() {
		return this.connections.get();
	}

}
