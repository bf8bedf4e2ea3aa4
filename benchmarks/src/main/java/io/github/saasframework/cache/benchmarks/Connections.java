package io.github.saasframework.cache.benchmarks;

import java.time.Duration;

import io.github.saasframework.cache.CacheConfig;
import io.github.saasframework.cache.CacheMetricsRecorder;
import io.github.saasframework.cache.RedisCache;
import io.github.saasframework.cache.serializer.JsonCacheSerializer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;
import org.redisson.config.Protocol;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * How every benchmark connects: to the server on the loopback port in the system property
 * {@code bench.redis.port}, which {@link BenchmarkMain} passes to the JMH forks.
 */
public final class Connections {

	/** The TTL every contender writes values with. */
	public static final Duration TTL = Duration.ofHours(1);

	/** The key prefix of our cache. */
	public static final String PREFIX = "bench";

	private Connections() {
	}

	/**
	 * The port of the benchmark server.
	 * @return the value of {@code bench.redis.port}
	 * @throws IllegalStateException if it is not set, so that no benchmark ever falls
	 * back to port 6379
	 */
	public static int port() {
		String port = System.getProperty("bench.redis.port");
		if (port == null || port.isBlank()) {
			throw new IllegalStateException(
					"Set -Dbench.redis.port to the benchmark redis-server's port (run benchmarks/run.sh)");
		}
		return Integer.parseInt(port.trim());
	}

	/**
	 * A started Lettuce connection factory with Spring Boot's defaults (one shared native
	 * connection).
	 * @return the factory; {@code destroy()} it after use
	 */
	public static LettuceConnectionFactory connectionFactory() {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration("127.0.0.1", port()));
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

	/**
	 * Our cache on a factory, JSON by a default Jackson 3 mapper.
	 * @param factory the connection factory
	 * @return the cache
	 */
	public static RedisCache ourCache(LettuceConnectionFactory factory) {
		return RedisCache.create(factory,
				CacheConfig.builder()
					.keyPrefix(PREFIX)
					.defaultTtl(TTL)
					.serializer(new JsonCacheSerializer(JsonMapper.builder().build()))
					.build());
	}

	/**
	 * Our cache on a factory with the near cache on (10 000 entries, default maximum
	 * age), JSON by a default Jackson 3 mapper.
	 * @param factory the connection factory
	 * @param prefix the key prefix, which is also the prefix the near cache tracks
	 * @param recorder where the cache reports near-cache hits and invalidations
	 * @return the cache; close it after use (it holds the invalidation connection)
	 */
	public static RedisCache ourNearCache(LettuceConnectionFactory factory, String prefix,
			CacheMetricsRecorder recorder) {
		return RedisCache.create(factory,
				CacheConfig.builder()
					.keyPrefix(prefix)
					.defaultTtl(TTL)
					.serializer(new JsonCacheSerializer(JsonMapper.builder().build()))
					.nearCache(true)
					.nearCacheMaxEntries(10_000)
					.metricsRecorder(recorder)
					.build());
	}

	/**
	 * A plain Lettuce client.
	 * @return the client; {@code shutdown()} it after use
	 */
	public static RedisClient lettuceClient() {
		return RedisClient.create(RedisURI.create("127.0.0.1", port()));
	}

	/**
	 * A Redisson client with its default settings on a single server.
	 * @return the client; {@code shutdown()} it after use
	 */
	public static RedissonClient redisson() {
		Config config = new Config();
		config.useSingleServer().setAddress("redis://127.0.0.1:" + port());
		return Redisson.create(config);
	}

	/**
	 * A Redisson client on a single server speaking RESP3, which its
	 * {@code RClientSideCaching} needs (invalidations arrive as RESP3 pushes).
	 * @return the client; {@code shutdown()} it after use
	 */
	public static RedissonClient redissonResp3() {
		Config config = new Config();
		config.setProtocol(Protocol.RESP3);
		config.useSingleServer().setAddress("redis://127.0.0.1:" + port());
		return Redisson.create(config);
	}

}
