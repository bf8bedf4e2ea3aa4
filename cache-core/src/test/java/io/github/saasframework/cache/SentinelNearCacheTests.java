package io.github.saasframework.cache;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.saasframework.cache.testsupport.RedisSentinelProcesses;
import io.github.saasframework.cache.testsupport.RedisServerProcess;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The near cache across a Sentinel failover (one master, one replica, three Sentinels of
 * the test's own): the master dies with a value in memory; once the replica is promoted,
 * a plain write by another client on the new master is what this process reads, never the
 * value it held before, and later writes are reported by the new master.
 */
class SentinelNearCacheTests {

	private static RedisSentinelProcesses sentinel;

	private static LettuceConnectionFactory factory;

	@BeforeAll
	static void start() {
		sentinel = RedisSentinelProcesses.start();
		factory = sentinel.connectionFactory(Duration.ofSeconds(1));
	}

	@AfterAll
	static void stop() {
		if (factory != null) {
			factory.destroy();
		}
		if (sentinel != null) {
			sentinel.close();
		}
	}

	@Test
	void afterAFailover_theNewMastersWritesAreSeen_neverTheOldValue() {
		try (RedisCache cache = RedisCache.create(factory,
				CacheConfig.builder().keyPrefix("near-failover").nearCache(true).build())) {
			cache.set("plan", "before");
			Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> {
				cache.get("plan", String.class);
				return cache.heldInMemory("plan");
			});
			sentinel.initialMaster().kill();
			RedisServerProcess promoted = sentinel.initialReplica();
			Awaitility.await()
				.atMost(Duration.ofSeconds(45))
				.ignoreExceptions()
				.until(() -> sentinel.currentMasterPort() == promoted.port()
						&& promoted.command("INFO", "replication").contains("role:master"));
			promoted.command("SET", "near-failover:plan", "after");
			List<String> seen = new ArrayList<>();
			Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(5)).until(() -> {
				try {
					seen.add(cache.get("plan", String.class).orElse("(none)"));
				}
				catch (DataAccessException ex) {
					return false;
				}
				return "after".equals(seen.get(seen.size() - 1)) && cache.heldInMemory("plan");
			});
			assertThat(seen).doesNotContain("before");
			promoted.command("SET", "near-failover:plan", "later");
			Awaitility.await()
				.atMost(Duration.ofSeconds(5))
				.until(() -> cache.get("plan", String.class).orElse(null), "later"::equals);
		}
	}

}
