package io.github.saasframework.cache;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.data.redis.connection.RedisConfiguration;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * A Lettuce connection factory that counts the connections it hands out, so that a test
 * can tell a call on {@link NativeCommands} (no connection per call) from a call through
 * the factory.
 */
final class CountingConnectionFactory extends LettuceConnectionFactory {

	private final AtomicInteger connections = new AtomicInteger();

	private CountingConnectionFactory(RedisConfiguration configuration, Duration commandTimeout) {
		super(configuration, LettuceClientConfiguration.builder().commandTimeout(commandTimeout).build());
	}

	/** A started factory; the caller destroys it. */
	static CountingConnectionFactory start(RedisConfiguration configuration, Duration commandTimeout) {
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
	int connections() {
		return this.connections.get();
	}

}
