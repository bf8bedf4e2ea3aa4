package io.github.saasframework.cache;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.saasframework.cache.testsupport.RedisClusterExtension;
import io.github.saasframework.cache.testsupport.RedisClusterProcesses;
import io.github.saasframework.cache.testsupport.RedisServerProcess;
import io.lettuce.core.KillArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.dao.DataAccessException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The near cache on the test cluster (three masters): one tracking connection per master,
 * keys on every master served from memory, and every change reported by the master that
 * holds the key (a plain write by another client, an expiry, a flush, a killed tracking
 * connection, a slot that moved to another master).
 */
@ExtendWith(RedisClusterExtension.class)
class RedisClusterNearCacheTests {

	private static final Duration VISIBLE_WITHIN = Duration.ofSeconds(5);

	private final RedisClusterProcesses cluster = RedisClusterExtension.cluster();

	private RedisCache cache;

	private String prefix;

	/** 30 keys, spread over every master. */
	private final Map<String, String> items = new LinkedHashMap<>();

	@BeforeEach
	void createCache() {
		this.prefix = "near-" + UUID.randomUUID().toString().substring(0, 8);
		this.cache = RedisCache.create(RedisClusterExtension.connectionFactory(),
				CacheConfig.builder().keyPrefix(this.prefix).nearCache(true).build());
		for (int i = 0; i < 30; i++) {
			this.items.put("item:" + i, "v" + i);
		}
		assertThat(this.items.keySet().stream().map(this::masterOf).distinct()).hasSize(3);
		this.cache.setAll(this.items, Duration.ofMinutes(5));
		for (String key : this.items.keySet()) {
			inMemory(key);
		}
	}

	@AfterEach
	void removeKeys() {
		this.cache.flushPrefix();
		this.cache.close();
	}

	@Test
	void keysOnEveryMaster_areServedFromMemory_untilAnotherClientWritesThem() {
		Map<RedisServerProcess, Long> reads = reads();
		for (int i = 0; i < 5; i++) {
			assertThat(this.cache.getAll(this.items.keySet(), String.class)).containsExactlyEntriesOf(this.items);
			this.items.keySet().forEach((key) -> assertThat(this.cache.get(key, String.class)).isPresent());
		}
		assertThat(reads()).isEqualTo(reads);
		for (String key : this.items.keySet()) {
			masterOf(key).command("SET", redisKey(key), "changed");
		}
		for (String key : this.items.keySet()) {
			Awaitility.await()
				.atMost(VISIBLE_WITHIN)
				.pollInterval(Duration.ofMillis(1))
				.until(() -> this.cache.get(key, String.class).orElse(null), "changed"::equals);
		}
	}

	@Test
	void expiryAndFlushOnEveryMaster_removeTheEntries() {
		for (String key : this.items.keySet()) {
			masterOf(key).command("PEXPIRE", redisKey(key), "1");
		}
		for (String key : this.items.keySet()) {
			Awaitility.await().atMost(VISIBLE_WITHIN).until(() -> this.cache.get(key, String.class).isEmpty());
		}
		this.cache.setAll(this.items, Duration.ofMinutes(5));
		for (String key : this.items.keySet()) {
			inMemory(key);
		}
		for (RedisServerProcess master : this.cluster.masters()) {
			master.command("FLUSHALL");
		}
		for (String key : this.items.keySet()) {
			Awaitility.await().atMost(VISIBLE_WITHIN).until(() -> this.cache.get(key, String.class).isEmpty());
		}
	}

	@Test
	void aKilledTrackingConnectionOnOneMaster_emptiesTheNearCache() {
		String key = this.items.keySet().iterator().next();
		RedisServerProcess master = masterOf(key);
		String trackingId = NearCacheTests.trackingClientId(master);
		// the kill and the write in one transaction: nobody is told of this write
		RedisClient client = RedisClient.create(RedisURI.create(master.host(), master.port()));
		try (StatefulRedisConnection<String, String> other = client.connect()) {
			RedisCommands<String, String> commands = other.sync();
			commands.multi();
			commands.clientKill(KillArgs.Builder.id(Long.parseLong(trackingId)));
			commands.set(redisKey(key), "unreported");
			assertThat(commands.exec().wasDiscarded()).isFalse();
		}
		finally {
			client.shutdown();
		}
		Awaitility.await()
			.atMost(VISIBLE_WITHIN)
			.pollInterval(Duration.ofMillis(1))
			.until(() -> this.cache.get(key, String.class).orElse(null), "unreported"::equals);
		// tracking on that master again: its changes are reported again
		Awaitility.await()
			.atMost(VISIBLE_WITHIN)
			.until(() -> !trackingId.equals(NearCacheTests.trackingClientIdOrNull(master)));
		inMemory(key);
		master.command("SET", redisKey(key), "reported");
		Awaitility.await()
			.atMost(VISIBLE_WITHIN)
			.until(() -> this.cache.get(key, String.class).orElse(null), "reported"::equals);
	}

	@Test
	void aRestartedMaster_isNeverAnsweredWithTheValueItHeldBefore() {
		String key = this.items.keySet().iterator().next();
		String before = this.items.get(key);
		RedisServerProcess master = masterOf(key);
		master.kill();
		master.restart();
		// the node comes back empty with its slots (nodes.conf is kept); another client
		// writes the key anew
		Awaitility.await()
			.atMost(Duration.ofSeconds(20))
			.ignoreExceptions()
			.until(() -> this.cluster.masters()
				.stream()
				.allMatch((node) -> node.command("CLUSTER", "INFO").contains("cluster_state:ok")));
		Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.until(() -> master.command("SET", redisKey(key), "after-restart").contains("OK"));
		List<String> seen = new ArrayList<>();
		Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(5)).until(() -> {
			try {
				seen.add(this.cache.get(key, String.class).orElse("(none)"));
			}
			catch (DataAccessException ex) {
				return false;
			}
			return "after-restart".equals(seen.get(seen.size() - 1)) && this.cache.heldInMemory(key);
		});
		assertThat(seen).doesNotContain(before);
		master.command("SET", redisKey(key), "later");
		Awaitility.await()
			.atMost(VISIBLE_WITHIN)
			.until(() -> this.cache.get(key, String.class).orElse(null), "later"::equals);
	}

	@Test
	void aKeyWhoseSlotMoved_isNeverServedStale() {
		String key = this.items.keySet().iterator().next();
		int slot = SlotHash.getSlot(redisKey(key));
		RedisServerProcess from = masterOf(key);
		RedisServerProcess to = this.cluster.masters().stream().filter((m) -> m != from).findFirst().orElseThrow();
		try {
			this.cluster.migrateSlot(slot, to);
			// the new owner is not tracked by this cache's view of the topology until it
			// is
			// refreshed: nothing read from it is kept, so its writes cannot be missed
			for (int round = 0; round < 3; round++) {
				String value = "moved-" + round;
				to.command("SET", redisKey(key), value);
				Awaitility.await()
					.atMost(VISIBLE_WITHIN)
					.pollInterval(Duration.ofMillis(1))
					.until(() -> this.cache.get(key, String.class).orElse(null), value::equals);
				for (int i = 0; i < 20; i++) {
					assertThat(this.cache.get(key, String.class)).contains(value);
				}
			}
		}
		finally {
			this.cluster.migrateSlot(slot, from);
		}
	}

	@Test
	void aNewTopology_emptiesTheNearCache_andTheNewOwnerOfAMovedSlotIsTracked() {
		String key = this.items.keySet().iterator().next();
		int slot = SlotHash.getSlot(redisKey(key));
		RedisServerProcess from = masterOf(key);
		RedisServerProcess to = this.cluster.masters().stream().filter((m) -> m != from).findFirst().orElseThrow();
		String elsewhere = this.items.keySet()
			.stream()
			.filter((other) -> masterOf(other) != from && masterOf(other) != to)
			.findFirst()
			.orElseThrow();
		RedisClusterClient client = (RedisClusterClient) RedisClusterExtension.connectionFactory()
			.getRequiredNativeClient();
		try {
			this.cluster.migrateSlot(slot, to);
			inMemory(elsewhere);
			client.refreshPartitions();
			// the topology event empties memory, keys of untouched masters included
			Awaitility.await().atMost(VISIBLE_WITHIN).until(() -> !this.cache.heldInMemory(elsewhere));
			// Lettuce routes the moved slot to its new owner, whose changes are tracked
			// now
			to.command("SET", redisKey(key), "on-new-owner");
			inMemory(key);
			assertThat(this.cache.get(key, String.class)).contains("on-new-owner");
			to.command("SET", redisKey(key), "changed-on-new-owner");
			Awaitility.await()
				.atMost(VISIBLE_WITHIN)
				.until(() -> this.cache.get(key, String.class).orElse(null), "changed-on-new-owner"::equals);
		}
		finally {
			this.cluster.migrateSlot(slot, from);
			client.refreshPartitions();
		}
	}

	private void inMemory(String key) {
		Awaitility.await().atMost(VISIBLE_WITHIN).pollInterval(Duration.ofMillis(1)).until(() -> {
			assertThat(this.cache.get(key, String.class)).isPresent();
			return this.cache.heldInMemory(key);
		});
	}

	private String redisKey(String key) {
		return this.prefix + ":" + key;
	}

	private RedisServerProcess masterOf(String key) {
		return this.cluster.masterOf(SlotHash.getSlot(redisKey(key)));
	}

	private Map<RedisServerProcess, Long> reads() {
		Map<RedisServerProcess, Long> reads = new HashMap<>();
		for (RedisServerProcess master : this.cluster.masters()) {
			Map<String, Long> calls = this.cluster.commandCalls(master);
			reads.put(master, calls.getOrDefault("get", 0L) + calls.getOrDefault("mget", 0L)
					+ calls.getOrDefault("evalsha", 0L) + calls.getOrDefault("eval", 0L));
		}
		return reads;
	}

}
