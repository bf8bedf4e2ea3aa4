package io.github.saasframework.cache.test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * {@link TestRedisServer} on its own, as a plain JUnit test uses it.
 */
class TestRedisServerTests {

	@Test
	void start_noArguments_servesOnAFreeLoopbackPort() {
		try (TestRedisServer server = TestRedisServer.start()) {
			assertThat(server.host()).isEqualTo("127.0.0.1");
			assertThat(server.port()).isPositive().isNotEqualTo(6379);
			set(server, "test-redis-server:key", "value");
			assertThat(get(server, "test-redis-server:key")).isEqualTo("value");
			assertThat(config(server, "save", "appendonly")).containsEntry("save", "")
				.containsEntry("appendonly", "no");
		}
	}

	@Test
	void start_twoServers_differentPortsAndData() {
		try (TestRedisServer first = TestRedisServer.start(); TestRedisServer second = TestRedisServer.start()) {
			assertThat(first.port()).isNotEqualTo(second.port());
			set(first, "test-redis-server:only-first", "1");
			assertThat(get(second, "test-redis-server:only-first")).isNull();
		}
	}

	@Test
	void start_extraArguments_reachRedisServer() {
		try (TestRedisServer server = TestRedisServer.start("--maxmemory", "10mb", "--maxmemory-policy",
				"allkeys-lru")) {
			assertThat(config(server, "maxmemory", "maxmemory-policy"))
				.containsEntry("maxmemory", String.valueOf(10 * 1024 * 1024))
				.containsEntry("maxmemory-policy", "allkeys-lru");
		}
	}

	@Test
	void start_configurationFileFirst_isRead(@TempDir Path dir) throws IOException {
		Path config = Files.writeString(dir.resolve("redis.conf"), "maxmemory 5mb\n");
		try (TestRedisServer server = TestRedisServer.start(config.toString(), "--maxmemory-policy", "allkeys-lfu")) {
			assertThat(config(server, "maxmemory", "maxmemory-policy"))
				.containsEntry("maxmemory", String.valueOf(5 * 1024 * 1024))
				.containsEntry("maxmemory-policy", "allkeys-lfu");
		}
	}

	@Test
	void start_portArgument_listensOnThatPort() {
		int port = portWhereNothingListens();
		try (TestRedisServer server = TestRedisServer.start("--port", String.valueOf(port))) {
			assertThat(server.port()).isEqualTo(port);
			assertThat(ping(server)).isEqualTo("PONG");
		}
	}

	@Test
	void start_portInUse_failsNamingThePort() {
		try (TestRedisServer server = TestRedisServer.start()) {
			assertThatExceptionOfType(IllegalStateException.class)
				.isThrownBy(() -> TestRedisServer.start("--port", String.valueOf(server.port())))
				.withMessageContaining("port " + server.port());
			assertThat(ping(server)).isEqualTo("PONG");
		}
	}

	@Test
	void start_argumentRedisRejects_failsWithWhatRedisLogged() {
		assertThatExceptionOfType(IllegalStateException.class)
			.isThrownBy(() -> TestRedisServer.start("--no-such-directive", "x"))
			.withMessageContaining("no-such-directive");
	}

	@Test
	void start_badArguments_failBeforeAnythingStarts() {
		assertThatIllegalArgumentException().isThrownBy(() -> TestRedisServer.start("--maxmemory", null))
			.withMessage("redis-server argument 1 is null");
		assertThatIllegalArgumentException().isThrownBy(() -> TestRedisServer.start("--port", "seven"))
			.withMessage("--port needs a port number, got 'seven'");
		assertThatIllegalArgumentException().isThrownBy(() -> TestRedisServer.start("--port"))
			.withMessage("--port needs a port number, got ''");
	}

	@Test
	void stop_freesThePort_andMayBeCalledAgain() throws IOException {
		TestRedisServer server = TestRedisServer.start();
		int port = server.port();
		assertThat(acceptsConnections(port)).isTrue();
		server.stop();
		assertThat(acceptsConnections(port)).as("nothing listens after stop").isFalse();
		try (ServerSocket socket = new ServerSocket()) {
			socket.bind(new InetSocketAddress("127.0.0.1", port));
		}
		server.stop();
		server.close();
		try (TestRedisServer again = TestRedisServer.start("--port", String.valueOf(port))) {
			assertThat(ping(again)).isEqualTo("PONG");
		}
	}

	@Test
	void connectionDetails_pointBootsRedisAutoConfigurationAtTheServer() {
		try (TestRedisServer server = TestRedisServer.start()) {
			DataRedisConnectionDetails.Standalone standalone = server.connectionDetails().getStandalone();
			assertThat(standalone.getHost()).isEqualTo(server.host());
			assertThat(standalone.getPort()).isEqualTo(server.port());
			assertThat(standalone.getDatabase()).isZero();
			new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class))
				.withPropertyValues("spring.data.redis.port=1")
				.withBean(DataRedisConnectionDetails.class, server::connectionDetails)
				.run((context) -> {
					context.getBean(StringRedisTemplate.class)
						.opsForValue()
						.set("test-redis-server:through-boot", "written");
					assertThat(get(server, "test-redis-server:through-boot")).isEqualTo("written");
				});
		}
	}

	private static String ping(TestRedisServer server) {
		return call(server, RedisCommands::ping);
	}

	private static void set(TestRedisServer server, String key, String value) {
		call(server, (redis) -> redis.set(key, value));
	}

	private static String get(TestRedisServer server, String key) {
		return call(server, (redis) -> redis.get(key));
	}

	private static Map<String, String> config(TestRedisServer server, String... names) {
		return call(server, (redis) -> redis.configGet(names));
	}

	private static <T> T call(TestRedisServer server, Function<RedisCommands<String, String>, T> action) {
		RedisClient client = RedisClient.create(RedisURI.create(server.host(), server.port()));
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			return action.apply(connection.sync());
		}
		finally {
			client.shutdown();
		}
	}

	static boolean acceptsConnections(int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static int portWhereNothingListens() {
		for (int i = 0; i < 10; i++) {
			try (ServerSocket socket = new ServerSocket()) {
				socket.bind(new InetSocketAddress("127.0.0.1", 0));
				if (socket.getLocalPort() != 6379) {
					return socket.getLocalPort();
				}
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
		}
		throw new IllegalStateException("No free port");
	}

}
