package io.github.saasframework.cache.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import io.github.saasframework.cache.Cache;
import io.github.saasframework.cache.testsupport.RedisClusterExtension;
import io.github.saasframework.cache.testsupport.RedisClusterProcesses;
import io.github.saasframework.cache.testsupport.RedisSentinelProcesses;
import io.github.saasframework.cache.testsupport.RedisServerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Boot's own {@code spring.data.redis.cluster.*} and {@code spring.data.redis.sentinel.*}
 * are all a user sets to run the cache on a Redis Cluster or behind Sentinel: no bean, no
 * property of this library changes. Both run against topologies of the tests' own.
 */
@ExtendWith({ RedisClusterExtension.class, OutputCaptureExtension.class })
class ScaleOutConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
				RedisCacheAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.timeout=2s");

	@Test
	void clusterNodesProperty_givesAClusterCache() {
		this.contextRunner
			.withPropertyValues("spring.data.redis.cluster.nodes=" + RedisClusterExtension.cluster().nodesProperty(),
					"app.cache.key-prefix=boot-cluster")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				LettuceConnectionFactory factory = (LettuceConnectionFactory) context
					.getBean(RedisConnectionFactory.class);
				assertThat(factory.isClusterAware()).isTrue();
				Cache cache = context.getBean(Cache.class);
				Map<String, String> items = new LinkedHashMap<>();
				for (int i = 0; i < 100; i++) {
					items.put("item:" + i, "v" + i);
				}
				cache.setAll(items, Duration.ofMinutes(1));
				assertThat(cache.getAll(items.keySet(), String.class)).isEqualTo(items);
				assertThat(cache.keys("item:*")).hasSize(100);
				assertThatExceptionOfType(DataAccessException.class)
					.isThrownBy(() -> cache.rename("{a}:item", "{b}:item"))
					.withMessageContaining("{hash tag}");
				assertThat(cache.flushPrefix()).isEqualTo(100);
				Health health = context.getBean(RedisCacheHealthIndicator.class).health(true);
				assertThat(health.getStatus()).isEqualTo(Status.UP);
			});
	}

	@ParameterizedTest(name = "topology refresh: {0}")
	@ValueSource(strings = { "adaptive=true,period=5s", "Boot defaults" })
	void cluster_recoversWhenAMasterDies(String refresh) {
		List<String> properties = new ArrayList<>(
				List.of("spring.data.redis.timeout=1s", "app.cache.key-prefix=boot-cluster-failover"));
		if (!refresh.equals("Boot defaults")) {
			properties.add("spring.data.redis.lettuce.cluster.refresh.adaptive=true");
			properties.add("spring.data.redis.lettuce.cluster.refresh.period=5s");
		}
		try (RedisClusterProcesses cluster = RedisClusterProcesses.start(3, 1)) {
			properties.add("spring.data.redis.cluster.nodes=" + cluster.nodesProperty());
			this.contextRunner.withPropertyValues(properties.toArray(new String[0])).run((context) -> {
				Cache cache = context.getBean(Cache.class);
				List<String> keys = IntStream.range(0, 30).mapToObj((i) -> "k" + i).toList();
				keys.forEach((key) -> cache.set(key, "v", Duration.ofMinutes(5)));
				RedisServerProcess victim = cluster.masters().get(0);
				victim.kill();
				long killedAt = System.nanoTime();
				long lastFailure = killedAt;
				int failures = 0;
				long slowest = 0;
				int consecutiveOk = 0;
				long deadline = killedAt + Duration.ofSeconds(60).toNanos();
				while (consecutiveOk < 3 * keys.size() && System.nanoTime() < deadline) {
					for (String key : keys) {
						long start = System.nanoTime();
						try {
							cache.set(key, "after", Duration.ofMinutes(5));
							consecutiveOk++;
						}
						catch (DataAccessException ex) {
							failures++;
							consecutiveOk = 0;
							lastFailure = System.nanoTime();
						}
						slowest = Math.max(slowest, (System.nanoTime() - start) / 1_000_000);
					}
				}
				System.out.printf(
						"cluster failover (topology refresh: %s): %d failed writes, writes to every slot again "
								+ "%d ms after the kill, slowest call %d ms (timeout 1000 ms)%n",
						refresh, failures, (lastFailure - killedAt) / 1_000_000, slowest);
				assertThat(consecutiveOk).as("every slot writable again").isGreaterThanOrEqualTo(3 * keys.size());
				assertThat(cache.getAll(keys, String.class)).hasSize(keys.size()).containsValue("after");
				assertThat(slowest).as("no call outlives the command timeout").isLessThanOrEqualTo(2000);
			});
		}
	}

	@Test
	void clusterWithoutPeriodicRefresh_warnsOnceAtStartupNamingTheProperty(CapturedOutput output) {
		this.contextRunner
			.withPropertyValues("spring.data.redis.cluster.nodes=" + RedisClusterExtension.cluster().nodesProperty())
			.run((context) -> {
				assertThat(context).hasNotFailed();
				context.getBean(Cache.class).set("refresh-check", "v", Duration.ofSeconds(5));
				String log = output.getAll();
				assertThat(log).containsOnlyOnce("without periodic topology refresh")
					.containsOnlyOnce("Set spring.data.redis.lettuce.cluster.refresh.period (for example 5s)");
			});
	}

	@Test
	void clusterWithPeriodicRefresh_startsSilently(CapturedOutput output) {
		this.contextRunner
			.withPropertyValues("spring.data.redis.cluster.nodes=" + RedisClusterExtension.cluster().nodesProperty(),
					"spring.data.redis.lettuce.cluster.refresh.period=5s")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(output.getAll()).doesNotContain("topology refresh");
			});
	}

	@Test
	void standalone_startsSilently(CapturedOutput output) {
		try (RedisServerProcess server = RedisServerProcess.start()) {
			this.contextRunner.withPropertyValues("spring.data.redis.port=" + server.port()).run((context) -> {
				assertThat(context).hasNotFailed();
				context.getBean(Cache.class).set("refresh-check", "v", Duration.ofSeconds(5));
				assertThat(output.getAll()).doesNotContain("topology refresh");
			});
		}
	}

	@Test
	void sentinelProperties_giveACacheOnTheCurrentMaster() {
		try (RedisSentinelProcesses sentinel = RedisSentinelProcesses.start()) {
			this.contextRunner
				.withPropertyValues("spring.data.redis.sentinel.master=" + RedisSentinelProcesses.MASTER_NAME,
						"spring.data.redis.sentinel.nodes=" + sentinel.nodesProperty(),
						"app.cache.key-prefix=boot-sentinel")
				.run((context) -> {
					assertThat(context).hasNotFailed();
					Cache cache = context.getBean(Cache.class);
					cache.set("greeting", "hello", Duration.ofMinutes(1));
					assertThat(cache.get("greeting", String.class)).contains("hello");
					assertThat(cache.remember("report", Duration.ofMinutes(1), String.class, () -> "loaded"))
						.isEqualTo("loaded");
					// the writes went to the master that Sentinel names
					assertThat(sentinel.initialMaster().command("EXISTS", "boot-sentinel:greeting")).isEqualTo(":1");
					assertThat(cache.flushPrefix()).isEqualTo(2);
					Health health = context.getBean(RedisCacheHealthIndicator.class).health(true);
					assertThat(health.getStatus()).isEqualTo(Status.UP);
				});
		}
	}

}
