package io.github.saasframework.cache.autoconfigure;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Warns once at startup when the cache runs on a Redis Cluster through Lettuce without
 * periodic topology refresh: Lettuce then learns of a master failover late, and every
 * call to the failed master's slots fails until it does (measured: writes to every slot
 * again 10 s after a master was killed with Boot's defaults, 5 s with a 5 s period; see
 * docs/cluster-and-sentinel.md).
 */
final class ClusterTopologyRefreshCheck {

	static final String PROPERTY = "spring.data.redis.lettuce.cluster.refresh.period";

	private static final Log logger = LogFactory.getLog(RedisCacheAutoConfiguration.class);

	private ClusterTopologyRefreshCheck() {
	}

	static void check(@Nullable RedisConnectionFactory factory) {
		if (factory instanceof LettuceConnectionFactory lettuce && lettuce.isClusterAware()
				&& !periodicRefresh(lettuce)) {
			logger.warn("The cache runs on a Redis Cluster without periodic topology refresh: after a master "
					+ "failover its slots keep failing until Lettuce notices the new topology (about 10 s with "
					+ "Boot's defaults in this library's failover test, 5 s with a 5 s period). Set " + PROPERTY
					+ " (for example 5s), and consider spring.data.redis.lettuce.cluster.refresh.adaptive=true");
		}
	}

	private static boolean periodicRefresh(LettuceConnectionFactory factory) {
		ClientOptions options = factory.getClientConfiguration().getClientOptions().orElse(null);
		return options instanceof ClusterClientOptions cluster
				&& cluster.getTopologyRefreshOptions().isPeriodicRefreshEnabled();
	}

}
