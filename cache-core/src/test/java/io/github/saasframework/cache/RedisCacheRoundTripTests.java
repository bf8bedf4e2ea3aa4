package io.github.saasframework.cache;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.IntStream;

import io.github.saasframework.cache.testsupport.RedisServerExtension;
import io.github.saasframework.cache.testsupport.RedisServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Which Redis commands each operation sends, counted with {@code INFO commandstats} on a
 * {@code redis-server} of this class's own (so no other test's traffic is counted), and
 * that bad arguments never reach Redis at all.
 */
class RedisCacheRoundTripTests {

	private static RedisServerProcess server;

	private static LettuceConnectionFactory factory;

	private static RedisCache cache;

	@BeforeAll
	static void start() {
		server = RedisServerProcess.start();
		factory = RedisServerExtension.connectionFactory(server, Duration.ofSeconds(5));
		cache = RedisCache.create(factory, CacheConfig.builder().keyPrefix("rt").build());
	}

	@AfterAll
	static void stop() {
		factory.destroy();
		server.stop();
	}

	private static Map<String, Long> callsAfter(Runnable action) {
		server.command("CONFIG", "RESETSTAT");
		action.run();
		return commandStats();
	}

	private static Map<String, Long> commandStats() {
		Properties info;
		try (RedisConnection connection = factory.getConnection()) {
			info = connection.serverCommands().info("commandstats");
		}
		Map<String, Long> calls = new HashMap<>();
		for (String name : info.stringPropertyNames()) {
			if (name.startsWith("cmdstat_")) {
				// cmdstat_get:calls=3,usec=...
				String stats = info.getProperty(name);
				String count = stats.substring(stats.indexOf("calls=") + 6).split(",")[0];
				calls.put(name.substring("cmdstat_".length()), Long.parseLong(count));
			}
		}
		calls.keySet().removeIf((name) -> name.startsWith("config") || name.startsWith("info"));
		return calls;
	}

	@Test
	void getAll_isOneMget() {
		List<String> keys = IntStream.range(0, 100).mapToObj((i) -> "k" + i).toList();
		Map<String, Long> calls = callsAfter(() -> cache.getAll(keys, String.class));
		assertThat(calls).containsEntry("mget", 1L).doesNotContainKey("get");
	}

	@Test
	void getAll_ofManyKeys_isOneMgetPerPartSentAtOnce_inTheKeysOrder() {
		Map<String, Object> items = new HashMap<>();
		List<String> keys = IntStream.range(0, 300).mapToObj((i) -> "many" + i).toList();
		IntStream.range(0, 300).filter((i) -> i % 7 != 0).forEach((i) -> items.put("many" + i, "v" + i));
		cache.setAll(items, Duration.ofSeconds(30));
		Map<String, Long> calls = callsAfter(() -> {
			Map<String, String> found = cache.getAll(keys, String.class);
			assertThat(found.keySet()).containsExactlyElementsOf(keys.stream().filter(items::containsKey).toList());
			found.forEach((key, value) -> assertThat(value).isEqualTo(items.get(key)));
		});
		// 128 keys a part: the caller decodes a part while the next ones are read
		assertThat(calls).containsEntry("mget", 3L).doesNotContainKey("get");
	}

	@Test
	void setAll_isPipelinedSetsWithPx_noMset() {
		Map<String, Object> items = new HashMap<>();
		IntStream.range(0, 20).forEach((i) -> items.put("s" + i, "v"));
		Map<String, Long> calls = callsAfter(() -> cache.setAll(items, Duration.ofSeconds(30)));
		assertThat(calls).containsEntry("set", 20L).doesNotContainKeys("mset", "expire", "pexpire");
	}

	@Test
	void deleteAll_isOneUnlink() {
		Map<String, Long> calls = callsAfter(() -> cache.deleteAll(List.of("a", "b", "c")));
		assertThat(calls).containsEntry("unlink", 1L).doesNotContainKey("del");
	}

	@Test
	void deleteByPattern_usesScanAndUnlink_neverKeys() {
		Map<String, Object> items = new HashMap<>();
		IntStream.range(0, 1500).forEach((i) -> items.put("p:" + i, "v"));
		cache.setAll(items, Duration.ofMinutes(1));
		Map<String, Long> calls = callsAfter(() -> assertThat(cache.deleteByPattern("p:*")).isEqualTo(1500));
		assertThat(calls).containsKeys("scan", "unlink").doesNotContainKeys("keys", "del");
		assertThat(calls.get("unlink")).isBetween(2L, 3L);
	}

	@Test
	void remember_hitIsOneGet() {
		cache.set("hit", "v");
		Map<String, Long> calls = callsAfter(() -> cache.remember("hit", Duration.ZERO, String.class, () -> "x"));
		assertThat(calls).containsOnly(Map.entry("get", 1L));
	}

	@Test
	void badArguments_neverReachRedis() {
		Map<String, Long> calls = callsAfter(() -> {
			assertThatIllegalArgumentException().isThrownBy(() -> cache.set("", "v"));
			assertThatIllegalArgumentException().isThrownBy(() -> cache.set("k", "v", Duration.ofSeconds(-1)));
			assertThatIllegalArgumentException()
				.isThrownBy(() -> cache.getAll(java.util.Arrays.asList("a", null), String.class));
			assertThatIllegalArgumentException().isThrownBy(() -> cache.expire("k", Duration.ZERO));
			assertThatIllegalArgumentException().isThrownBy(() -> cache.lock("l", Duration.ZERO));
			assertThatIllegalArgumentException().isThrownBy(() -> cache.deleteByPattern(" "));
		});
		assertThat(calls).isEmpty();
	}

}
