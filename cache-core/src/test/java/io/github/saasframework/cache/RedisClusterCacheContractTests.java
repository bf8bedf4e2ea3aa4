package io.github.saasframework.cache;

import io.github.saasframework.cache.serializer.CacheSerializer;
import io.github.saasframework.cache.serializer.JsonCacheSerializer;
import io.github.saasframework.cache.serializer.StringCacheSerializer;
import io.github.saasframework.cache.testsupport.RedisClusterExtension;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Runs {@link CacheContractTests} unchanged on a 3-master Redis Cluster of the tests'
 * own, with and without a prefix: every call of {@link Cache} must behave on a cluster as
 * on a single server, batches and pattern walks included.
 */
@ExtendWith(RedisClusterExtension.class)
class RedisClusterCacheContractTests {

	@Nested
	class JsonWithPrefix extends CacheContractTests {

		@Override
		RedisConnectionFactory connectionFactory() {
			return RedisClusterExtension.connectionFactory();
		}

		@Override
		CacheSerializer serializer() {
			return new JsonCacheSerializer();
		}

		@Override
		boolean prefixed() {
			return true;
		}

		@Override
		boolean json() {
			return true;
		}

		@Override
		boolean cluster() {
			return true;
		}

	}

	@Nested
	class StringWithoutPrefix extends CacheContractTests {

		@Override
		RedisConnectionFactory connectionFactory() {
			return RedisClusterExtension.connectionFactory();
		}

		@Override
		CacheSerializer serializer() {
			return new StringCacheSerializer();
		}

		@Override
		boolean prefixed() {
			return false;
		}

		@Override
		boolean json() {
			return false;
		}

		@Override
		boolean cluster() {
			return true;
		}

	}

}
