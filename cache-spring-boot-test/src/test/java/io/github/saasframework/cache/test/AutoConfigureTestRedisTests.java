package io.github.saasframework.cache.test;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Configuration;
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
		assertThat(this.server.isRunning()).isTrue();
		assertThat(this.server.port()).isNotEqualTo(6379).isNotEqualTo(1);
		assertThat(this.connectionDetails.getStandalone().getPort()).isEqualTo(this.server.port());

		this.redis.opsForValue().set("autoconfigure-test-redis:key", "through Boot's connection factory");
		assertThat(this.server.command("GET", "autoconfigure-test-redis:key"))
			.isEqualTo("through Boot's connection factory");
		this.redis.delete("autoconfigure-test-redis:key");
	}

	/**
	 * Run by the build's second Surefire execution, which hides {@code redis-server} on
	 * {@code PATH} as a machine with only a JDK would.
	 */
	@Test
	@EnabledIfEnvironmentVariable(named = "CACHE_TEST_REDIS_SERVER", matches = "embedded")
	void withoutRedisServerOnPath_theEmbeddedBinaryServes() {
		assertThat(TestRedisServer.binary().getParent().getFileName().toString()).startsWith("embedded-redis-");
		assertThat(this.server.command("INFO", "server")).contains("redis_version:6.2.");
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(DataRedisAutoConfiguration.class)
	static class App {

	}

}
