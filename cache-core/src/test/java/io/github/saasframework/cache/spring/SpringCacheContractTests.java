package io.github.saasframework.cache.spring;

import io.github.saasframework.cache.testsupport.RedisClusterExtension;
import io.github.saasframework.cache.testsupport.RedisServerExtension;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Runs {@link SpringCacheContract} (what Spring's own cache fixtures assert) on a single
 * server and on the test cluster.
 */
class SpringCacheContractTests {

	@Nested
	@ExtendWith(RedisServerExtension.class)
	class Standalone extends SpringCacheContract {

		@Override
		RedisConnectionFactory connectionFactory() {
			return RedisServerExtension.connectionFactory();
		}

	}

	@Nested
	@ExtendWith(RedisClusterExtension.class)
	class Cluster extends SpringCacheContract {

		@Override
		RedisConnectionFactory connectionFactory() {
			return RedisClusterExtension.connectionFactory();
		}

	}

}
