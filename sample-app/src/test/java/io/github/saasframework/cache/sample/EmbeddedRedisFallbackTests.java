package io.github.saasframework.cache.sample;

import io.github.saasframework.cache.Cache;
import io.github.saasframework.cache.test.TestRedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample's embedded default: with nothing answering at {@code spring.data.redis.port}
 * it starts its own {@code redis-server} and stops it on close; with a Redis there it
 * uses that.
 */
class EmbeddedRedisFallbackTests {

	@Test
	void noRedisAtTheConfiguredPort_startsEmbeddedServer_andStopsItOnClose() {
		int deadPort;
		try (TestRedisServer stopped = TestRedisServer.start()) {
			deadPort = stopped.port();
		}
		int embeddedPort;
		try (ConfigurableApplicationContext context = start("--spring.data.redis.port=" + deadPort)) {
			embeddedPort = context.getEnvironment().getRequiredProperty("sample.embedded-redis.port", Integer.class);
			assertThat(embeddedPort).isNotEqualTo(deadPort).isNotEqualTo(6379);
			assertThat(context.getEnvironment().getProperty("spring.data.redis.port", Integer.class))
				.isEqualTo(embeddedPort);
			Cache cache = context.getBean(Cache.class);
			cache.set("fallback", "works");
			assertThat(cache.get("fallback", String.class)).contains("works");
			assertThat(EmbeddedRedisEnvironmentPostProcessor.answersPing("127.0.0.1", embeddedPort)).isTrue();
		}
		assertThat(EmbeddedRedisEnvironmentPostProcessor.answersPing("127.0.0.1", embeddedPort))
			.as("the embedded server stops with the application")
			.isFalse();
	}

	@Test
	void redisAnswersAtTheConfiguredPort_usesIt() {
		try (TestRedisServer server = TestRedisServer.start();
				ConfigurableApplicationContext context = start("--spring.data.redis.port=" + server.port())) {
			assertThat(context.getEnvironment().containsProperty("sample.embedded-redis.port")).isFalse();
			Cache cache = context.getBean(Cache.class);
			cache.set("fallback-test", "on the configured server");
			assertThat(exists(server, "sample:fallback-test")).isTrue();
			cache.delete("fallback-test");
		}
	}

	private static boolean exists(TestRedisServer server, String key) {
		RedisClient client = RedisClient.create(RedisURI.create(server.host(), server.port()));
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			return connection.sync().exists(key) == 1;
		}
		finally {
			client.shutdown();
		}
	}

	private static ConfigurableApplicationContext start(String redisPortArgument) {
		return new SpringApplicationBuilder(SampleApplication.class).run("--server.port=0",
				"--spring.data.redis.host=127.0.0.1", redisPortArgument);
	}

}
