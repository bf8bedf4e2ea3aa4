package io.github.saasframework.cache.testsupport;

import java.time.Duration;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Starts one {@code redis-server} of the tests' own per JVM (see
 * {@link RedisServerProcess}) and one Lettuce connection factory on it, both closed when
 * the test run ends. Test classes use {@code @ExtendWith(RedisServerExtension.class)} and
 * take a {@link RedisServerProcess}, {@link RedisConnectionFactory} or
 * {@link LettuceConnectionFactory} parameter, or call {@link #server()} and
 * {@link #connectionFactory()}.
 * <p>
 * The server is shared by every test class of the JVM, so every test uses its own key
 * prefix and cleans only that prefix. Nothing ever flushes the server.
 */
public final class RedisServerExtension implements BeforeAllCallback, ParameterResolver {

	private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace
		.create(RedisServerExtension.class);

	private static volatile Shared shared;

	@Override
	public void beforeAll(ExtensionContext context) {
		context.getRoot().getStore(NAMESPACE).computeIfAbsent(Shared.class, (key) -> shared(), Shared.class);
	}

	@Override
	public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		Class<?> type = parameterContext.getParameter().getType();
		return type == RedisServerProcess.class || type == RedisConnectionFactory.class
				|| type == LettuceConnectionFactory.class;
	}

	@Override
	public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		Class<?> type = parameterContext.getParameter().getType();
		return (type == RedisServerProcess.class) ? server() : connectionFactory();
	}

	/**
	 * The shared server, started on first use.
	 * @return the running server
	 */
	public static RedisServerProcess server() {
		return shared().server;
	}

	/**
	 * A started Lettuce connection factory on the shared server, with a 5 s command
	 * timeout.
	 * @return the shared connection factory
	 */
	public static LettuceConnectionFactory connectionFactory() {
		return shared().connectionFactory;
	}

	/**
	 * Creates and starts a new connection factory for a server; the caller destroys it.
	 * @param server the server
	 * @param commandTimeout how long a command may take
	 * @return a started factory
	 */
	public static LettuceConnectionFactory connectionFactory(RedisServerProcess server, Duration commandTimeout) {
		return connectionFactory(server, 0, commandTimeout);
	}

	/**
	 * Creates and starts a new connection factory for one database of a server; the
	 * caller destroys it. Tests that need a key space of their own (a cache without
	 * prefix, say) use a database other than 0.
	 * @param server the server
	 * @param database the database index, 0 to 15
	 * @param commandTimeout how long a command may take
	 * @return a started factory
	 */
	public static LettuceConnectionFactory connectionFactory(RedisServerProcess server, int database,
			Duration commandTimeout) {
		RedisStandaloneConfiguration standalone = new RedisStandaloneConfiguration(server.host(), server.port());
		standalone.setDatabase(database);
		LettuceConnectionFactory factory = new LettuceConnectionFactory(standalone,
				LettuceClientConfiguration.builder().commandTimeout(commandTimeout).build());
		factory.afterPropertiesSet();
		factory.start();
		warmUp(factory);
		return factory;
	}

	/**
	 * Opens the factory's shared connection before the test uses it: its handshake runs
	 * inside the command timeout, which a short timeout on a busy machine can miss. A few
	 * bounded attempts; a server that is down stays down for the test to see.
	 */
	private static void warmUp(LettuceConnectionFactory factory) {
		for (int attempt = 0; attempt < 10; attempt++) {
			try (var connection = factory.getConnection()) {
				connection.ping();
				return;
			}
			catch (RuntimeException ex) {
				// retried; the last failure is left for the test to meet
			}
		}
	}

	private static synchronized Shared shared() {
		if (shared == null) {
			RedisServerProcess server = RedisServerProcess.start();
			shared = new Shared(server, connectionFactory(server, Duration.ofSeconds(5)));
		}
		return shared;
	}

	private static final class Shared implements AutoCloseable {

		final RedisServerProcess server;

		final LettuceConnectionFactory connectionFactory;

		Shared(RedisServerProcess server, LettuceConnectionFactory connectionFactory) {
			this.server = server;
			this.connectionFactory = connectionFactory;
		}

		@Override
		public void close() {
			synchronized (RedisServerExtension.class) {
				this.connectionFactory.destroy();
				this.server.stop();
				shared = null;
			}
		}

	}

}
