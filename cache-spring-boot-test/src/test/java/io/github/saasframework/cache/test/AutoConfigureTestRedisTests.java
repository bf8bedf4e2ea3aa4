package io.github.saasframework.cache.test;

import java.nio.file.Path;
import java.util.Properties;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code @AutoConfigureTestRedis} in a Boot test whose own configuration points at a port
 * where nothing listens: the application talks to the test's server instead.
 */
@SpringBootTest(classes = AutoConfigureTestRedisTests.App.class,
		properties = { "spring.data.redis.host=127.0.0.1", "spring.data.redis.port=1" })
@AutoConfigureTestRedis
class AutoConfigureTestRedisTests {

	@Autowired
	private StringRedisTemplate redis;

	@Autowired
	private TestRedisServer server;

	@Autowired
	private DataRedisConnectionDetails connectionDetails;

	@Test
	void theApplicationsRedisConnectionGoesToTheTestServer() {
		assertThat(this.server.port()).isNotEqualTo(6379).isNotEqualTo(1);
		assertThat(this.connectionDetails.getStandalone().getPort()).isEqualTo(this.server.port());

		this.redis.opsForValue().set("autoconfigure-test-redis:key", "through Boot's connection factory");
		assertThat(getDirectly("autoconfigure-test-redis:key")).isEqualTo("through Boot's connection factory");
		this.redis.delete("autoconfigure-test-redis:key");
	}

	/**
	 * Run by the build's second Surefire execution, which hides {@code redis-server} on
	 * {@code PATH} as a machine with only a JDK would.
	 */
	@Test
	@EnabledIfEnvironmentVariable(named = "CACHE_TEST_REDIS_SERVER", matches = "embedded")
	void withoutRedisServerOnPath_theEmbeddedBinaryServes() {
		Properties info = this.redis
			.execute((RedisCallback<Properties>) (connection) -> connection.serverCommands().info("server"));
		assertThat(Path.of(info.getProperty("executable")).getParent().getFileName().toString())
			.startsWith("embedded-redis-");
		assertThat(info.getProperty("redis_version")).startsWith("6.2.");
	}

	private String getDirectly(String key) {
		RedisClient client = RedisClient.create(RedisURI.create(this.server.host(), this.server.port()));
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			return connection.sync().get(key);
		}
		finally {
			client.shutdown();
		}
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(DataRedisAutoConfiguration.class)
	static class App {

	}

}
