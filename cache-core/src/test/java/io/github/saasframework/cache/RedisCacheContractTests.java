package io.github.saasframework.cache;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.saasframework.cache.serializer.CacheSerializer;
import io.github.saasframework.cache.serializer.JsonCacheSerializer;
import io.github.saasframework.cache.serializer.StringCacheSerializer;
import io.github.saasframework.cache.testsupport.RedisServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Runs {@link CacheContractTests} on a standalone {@code redis-server} in four variants:
 * with and without a prefix, with the JSON and the string serializer. Each variant has a
 * database of its own, so that the variants without a prefix own their whole key space.
 */
@ExtendWith(RedisServerExtension.class)
class RedisCacheContractTests {

	private static final Map<Integer, LettuceConnectionFactory> factories = new ConcurrentHashMap<>();

	static RedisConnectionFactory database(int index) {
		return factories.computeIfAbsent(index, (db) -> RedisServerExtension
			.connectionFactory(RedisServerExtension.server(), db, Duration.ofSeconds(5)));
	}

	@AfterAll
	static void closeFactories() {
		factories.values().forEach(LettuceConnectionFactory::destroy);
		factories.clear();
	}

	@Nested
	class JsonWithPrefix extends CacheContractTests {

		@Override
		RedisConnectionFactory connectionFactory() {
			return database(1);
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

	}

	@Nested
	class JsonWithoutPrefix extends CacheContractTests {

		@Override
		RedisConnectionFactory connectionFactory() {
			return database(2);
		}

		@Override
		CacheSerializer serializer() {
			return new JsonCacheSerializer();
		}

		@Override
		boolean prefixed() {
			return false;
		}

		@Override
		boolean json() {
			return true;
		}

	}

	@Nested
	class StringWithPrefix extends CacheContractTests {

		@Override
		RedisConnectionFactory connectionFactory() {
			return database(3);
		}

		@Override
		CacheSerializer serializer() {
			return new StringCacheSerializer();
		}

		@Override
		boolean prefixed() {
			return true;
		}

		@Override
		boolean json() {
			return false;
		}

	}

	@Nested
	class StringWithoutPrefix extends CacheContractTests {

		@Override
		RedisConnectionFactory connectionFactory() {
			return database(4);
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

	}

}
