package io.github.saasframework.cache.testsupport;

import java.time.Duration;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Starts one Redis Cluster of the tests' own per JVM ({@link RedisClusterProcesses}: 3
 * masters, no replicas) and one Lettuce connection factory on it, both closed when the
 * test run ends. Test classes use {@code @ExtendWith(RedisClusterExtension.class)} and
 * take a {@link RedisClusterProcesses} parameter, or call {@link #cluster()} and
 * {@link #connectionFactory()}.
 * <p>
 * The cluster is shared by every test class of the JVM that uses it: each test removes
 * the keys it wrote, and nothing flushes the cluster.
 */
public final class RedisClusterExtension implements BeforeAllCallback, ParameterResolver {

	private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace
		.create(RedisClusterExtension.class);

	private static volatile Shared shared;

	@Override
	public void beforeAll(ExtensionContext context) {
		context.getRoot().getStore(NAMESPACE).computeIfAbsent(Shared.class, (key) -> shared(), Shared.class);
	}

	@Override
	public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		return parameterContext.getParameter().getType() == RedisClusterProcesses.class;
	}

	@Override
	public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		return cluster();
	}

	/**
	 * The shared cluster, started on first use.
	 * @return the running cluster
	 */
	public static RedisClusterProcesses cluster() {
		return shared().cluster;
	}

	/**
	 * A started Lettuce connection factory on the shared cluster, with a 5 s command
	 * timeout.
	 * @return the shared connection factory
	 */
	public static LettuceConnectionFactory connectionFactory() {
		return shared().connectionFactory;
	}

	private static synchronized Shared shared() {
		if (shared == null) {
			RedisClusterProcesses cluster = RedisClusterProcesses.start(3, 0);
			shared = new Shared(cluster, cluster.connectionFactory(Duration.ofSeconds(5)));
		}
		return shared;
	}

	private static final class Shared implements AutoCloseable {

		final RedisClusterProcesses cluster;

		final LettuceConnectionFactory connectionFactory;

		Shared(RedisClusterProcesses cluster, LettuceConnectionFactory connectionFactory) {
			this.cluster = cluster;
			this.connectionFactory = connectionFactory;
		}

		@Override
		public void close() {
			synchronized (RedisClusterExtension.class) {
				this.connectionFactory.destroy();
				this.cluster.close();
				shared = null;
			}
		}

	}

}
