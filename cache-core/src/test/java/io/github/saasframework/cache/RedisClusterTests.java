package io.github.saasframework.cache;

import io.github.saasframework.cache.internal.lock.LockInternals;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import io.github.saasframework.cache.lock.DistributedLock;
import io.github.saasframework.cache.serializer.JsonCacheSerializer;
import io.github.saasframework.cache.testsupport.RedisClusterExtension;
import io.github.saasframework.cache.testsupport.RedisClusterProcesses;
import io.github.saasframework.cache.testsupport.RedisServerProcess;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.data.redis.connection.ClusterSlotHashUtil;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a Redis Cluster changes, on a 3-master cluster of the tests' own: batches over
 * many slots (counted per node with {@code INFO commandstats}), pattern walks over every
 * master (also after a slot has moved to another master), locks and counters under
 * concurrency, and a cache that does not know it runs on a cluster.
 */
@ExtendWith(RedisClusterExtension.class)
class RedisClusterTests {

	private final RedisClusterProcesses cluster = RedisClusterExtension.cluster();

	private RedisCache cache;

	private String prefix;

	@BeforeEach
	void createCache() {
		this.prefix = "cluster-" + UUID.randomUUID().toString().substring(0, 8);
		this.cache = RedisCache.create(RedisClusterExtension.connectionFactory(),
				CacheConfig.builder()
					.keyPrefix(this.prefix)
					.serializer(new JsonCacheSerializer())
					.lockRetryInterval(Duration.ofMillis(5))
					.build());
	}

	@AfterEach
	void removeKeys() {
		this.cache.flushPrefix();
	}

	@Test
	void remember_refreshAfter_staleHitReloadsInBackground() {
		RememberPolicy policy = RememberPolicy.ttl(Duration.ofSeconds(60)).refreshAfter(Duration.ofSeconds(30));
		AtomicInteger loads = new AtomicInteger();
		for (int i = 0; i < 5; i++) {
			String key = "refreshed:" + i;
			assertThat(this.cache.remember(key, policy, String.class, () -> "v1")).isEqualTo("v1");
			assertThat(this.cache.expire(key, Duration.ofSeconds(20))).isTrue();
			assertThat(this.cache.remember(key, policy, String.class, () -> {
				loads.incrementAndGet();
				return "v2";
			})).isEqualTo("v1");
		}
		Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			for (int i = 0; i < 5; i++) {
				assertThat(this.cache.get("refreshed:" + i, String.class)).contains("v2");
				assertThat(this.cache.getTtl("refreshed:" + i))
					.hasValueSatisfying((ttl) -> assertThat(ttl).isGreaterThan(Duration.ofSeconds(50)));
			}
		});
		assertThat(loads).hasValue(5);
	}

	@Test
	void batches_overManySlots_areOneCommandPerSlot_pipelinedPerNode() {
		Map<String, Person> items = new LinkedHashMap<>();
		// two keys of one slot, first and last: a getAll split into parts of keys would
		// read that slot with two MGETs
		items.put("{pair}:first", Person.of(1000));
		for (int i = 0; i < 300; i++) {
			items.put("user:" + i, Person.of(i));
		}
		items.put("{pair}:last", Person.of(1001));
		Map<RedisServerProcess, Set<Integer>> slotsPerMaster = slotsPerMaster(items.keySet());
		assertThat(slotsPerMaster).as("the keys spread over every master").hasSize(3);
		int slots = slotsPerMaster.values().stream().mapToInt(Set::size).sum();

		List<String> keys = new ArrayList<>(items.keySet());
		keys.add("missing");
		Map<RedisServerProcess, Set<Integer>> readSlots = slotsPerMaster(keys);

		this.cluster.resetStats();
		this.cache.setAll(items, Duration.ofMinutes(5));
		Map<String, Person> read = this.cache.getAll(keys, Person.class);
		long exists = this.cache.exists(items.keySet().toArray(new String[0]));

		assertThat(read).containsExactlyEntriesOf(items);
		assertThat(exists).isEqualTo(items.size());
		Map<String, Long> total = new HashMap<>();
		for (RedisServerProcess master : this.cluster.masters()) {
			Map<String, Long> calls = this.cluster.commandCalls(master);
			// per node: one MGET per slot it serves, all sent before any reply is awaited
			assertThat(calls.get("mget")).as("MGET calls on node %s", master.port())
				.isEqualTo(readSlots.get(master).size());
			assertThat(calls.get("exists")).as("EXISTS calls on node %s", master.port())
				.isEqualTo(slotsPerMaster.get(master).size());
			assertThat(calls).as("no per-key read on node %s", master.port()).doesNotContainKey("get");
			calls.forEach((command, count) -> total.merge(command, count, Long::sum));
		}
		assertThat(total.get("set")).as("one SET PX per entry, pipelined").isEqualTo(items.size());
		System.out.printf(
				"cluster batch: getAll of %d keys over %d slots on %d masters: MGET calls per master %s, "
						+ "GET calls %d%n",
				keys.size(), readSlots.values().stream().mapToInt(Set::size).sum(), readSlots.size(),
				this.cluster.masters().stream().map((master) -> this.cluster.commandCalls(master).get("mget")).toList(),
				total.getOrDefault("get", 0L));

		this.cluster.resetStats();
		assertThat(this.cache.deleteAll(items.keySet())).isEqualTo(items.size());
		long unlinks = this.cluster.masters()
			.stream()
			.mapToLong((master) -> this.cluster.commandCalls(master).getOrDefault("unlink", 0L))
			.sum();
		assertThat(unlinks).isEqualTo(slots);
		assertThat(this.cache.keys("*")).isEmpty();
	}

	@Test
	void batches_ofHashTaggedKeys_areOneCommand() {
		Map<String, String> items = new LinkedHashMap<>();
		for (int i = 0; i < 50; i++) {
			items.put("{cart:7}:item:" + i, "i" + i);
		}
		this.cache.setAll(items, Duration.ofMinutes(5));
		this.cluster.resetStats();
		assertThat(this.cache.getAll(items.keySet(), String.class)).isEqualTo(items);
		assertThat(this.cache.deleteAll(items.keySet())).isEqualTo(50);
		RedisServerProcess owner = this.cluster.masterOf(slot("{cart:7}:item:0"));
		assertThat(this.cluster.commandCalls(owner)).containsEntry("mget", 1L).containsEntry("unlink", 1L);
	}

	@Test
	void patternWalks_visitEveryMaster_andMissNoKey() {
		Map<String, String> items = new HashMap<>();
		for (int i = 0; i < 3000; i++) {
			items.put("session:" + i, "s" + i);
		}
		this.cache.setAll(items, Duration.ofMinutes(5));
		this.cache.set("user:1", "u");
		assertThat(slotsPerMaster(items.keySet())).hasSize(3);

		assertThat(this.cache.keys("session:*")).hasSize(3000).containsExactlyInAnyOrderElementsOf(items.keySet());
		try (Stream<String> scanned = this.cache.scan("session:*", 100)) {
			assertThat(scanned.collect(Collectors.toSet())).isEqualTo(items.keySet());
		}
		assertThat(this.cache.deleteByPattern("session:*")).isEqualTo(3000);
		assertThat(this.cache.keys("*")).containsExactly("user:1");
		assertThat(this.cache.flushPrefix()).isEqualTo(1);
		for (RedisServerProcess master : this.cluster.masters()) {
			assertThat(keysUnderPrefix(master)).as("keys left on %s", master.port()).isZero();
		}
	}

	@Test
	void patternWalksAndReads_afterSlotMigration_missNoKey() {
		Map<String, String> items = new HashMap<>();
		for (int i = 0; i < 500; i++) {
			items.put("moving:" + i, "m" + i);
		}
		this.cache.setAll(items, Duration.ofMinutes(5));
		// move the slots of the first 20 keys to the next master
		Set<Integer> moved = new TreeSet<>();
		int keysMoved = 0;
		for (String key : items.keySet().stream().sorted().limit(20).toList()) {
			int slot = slot(key);
			if (moved.add(slot)) {
				RedisServerProcess from = this.cluster.masterOf(slot);
				RedisServerProcess to = next(from);
				keysMoved += this.cluster.migrateSlot(slot, to);
			}
		}
		assertThat(keysMoved).isGreaterThanOrEqualTo(20);

		assertThat(this.cache.getAll(items.keySet(), String.class)).isEqualTo(items);
		assertThat(this.cache.get("moving:0", String.class)).contains("m0");
		assertThat(this.cache.keys("moving:*")).containsExactlyInAnyOrderElementsOf(items.keySet());
		assertThat(this.cache.deleteByPattern("moving:*")).isEqualTo(500);
		assertThat(this.cache.keys("*")).isEmpty();
	}

	@Test
	void locksAndCounters_underConcurrency_loseNoUpdate() throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(8);
		try {
			int[] unprotected = new int[1];
			List<CompletableFuture<Void>> runs = new ArrayList<>();
			for (int t = 0; t < 8; t++) {
				runs.add(CompletableFuture.runAsync(() -> {
					for (int i = 0; i < 50; i++) {
						this.cache.withLock("counter-lock", Duration.ofSeconds(5), () -> {
							int seen = unprotected[0];
							Thread.onSpinWait();
							unprotected[0] = seen + 1;
						});
						this.cache.increment("hits");
						this.cache.incrementBy("window", 1, Duration.ofMinutes(1));
					}
				}, pool));
			}
			CompletableFuture.allOf(runs.toArray(new CompletableFuture<?>[0])).join();
			assertThat(unprotected[0]).isEqualTo(400);
			assertThat(this.cache.incrementBy("hits", 0)).isEqualTo(400);
			assertThat(this.cache.getTtl("window"))
				.hasValueSatisfying((ttl) -> assertThat(ttl).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(1)));
		}
		finally {
			pool.shutdownNow();
		}
	}

	/**
	 * The acquire script touches the lock key and its fencing counter: they share a slot
	 * for any name (plain, with a hash tag, with unbalanced braces), and the tokens grow
	 * across holders and caches and survive an expired lock.
	 */
	@Test
	void fencingTokens_onCluster_growForAnyName() {
		RedisCache other = RedisCache.create(RedisClusterExtension.connectionFactory(),
				CacheConfig.builder().keyPrefix(this.prefix).build());
		for (String name : List.of("job", "{order:1}:job", "we{ird", "x}y{z", "{}empty")) {
			String lockKey = this.prefix + ":" + name;
			assertThat(ClusterSlotHashUtil.calculateSlot(LockInternals.fenceKey(lockKey)))
				.isEqualTo(ClusterSlotHashUtil.calculateSlot(lockKey));
			long last = 0;
			for (int i = 0; i < 4; i++) {
				RedisCache holder = (i % 2 == 0) ? this.cache : other;
				try (DistributedLock lock = holder.lock(name, Duration.ofSeconds(5))) {
					lock.acquire(Duration.ofSeconds(5));
					assertThat(lock.fencingToken()).as(name).isGreaterThan(last);
					last = lock.fencingToken();
				}
			}
			// long enough that the token can still be read after a slow acquire
			DistributedLock expiring = this.cache.lock(name, Duration.ofMillis(300));
			assertThat(expiring.tryAcquire()).isTrue();
			long expired = expiring.fencingToken();
			assertThat(expired).isGreaterThan(last);
			Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> this.cache.exists(name) == 0);
			try (DistributedLock next = other.lock(name, Duration.ofSeconds(5))) {
				assertThat(next.tryAcquire()).isTrue();
				assertThat(next.fencingToken()).isGreaterThan(expired);
			}
		}
	}

	/**
	 * Issue 26 on a cluster: a lock's keys (its key and its fencing counter, in one slot)
	 * are gone a lease after the release on every master, and the tokens keep growing
	 * when the master of the lock's slot is killed and comes back empty.
	 */
	@Test
	void lockKeys_endWithTheirLease_andTokensGrowAcrossAnEmptyMasterRestart() {
		long highest = 0;
		for (int i = 0; i < 30; i++) {
			try (DistributedLock lock = this.cache.lock("order:" + i, Duration.ofSeconds(2))) {
				assertThat(lock.tryAcquire()).isTrue();
				highest = Math.max(highest, lock.fencingToken());
			}
		}
		Awaitility.await()
			.atMost(Duration.ofSeconds(6))
			.pollInterval(Duration.ofMillis(100))
			.until(() -> this.cache.keys("*").isEmpty());
		String lockKey = this.prefix + ":order:0";
		RedisServerProcess master = this.cluster.masterOf(ClusterSlotHashUtil.calculateSlot(lockKey));
		// held when the master dies: the restarted master has neither the lock nor its
		// counter
		DistributedLock held = this.cache.lock("order:0", Duration.ofSeconds(30));
		assertThat(held.tryAcquire()).isTrue();
		highest = Math.max(highest, held.fencingToken());
		master.kill();
		master.restart();
		Awaitility.await()
			.atMost(Duration.ofSeconds(20))
			.ignoreExceptions()
			.until(() -> this.cluster.masters()
				.stream()
				.allMatch((node) -> node.command("CLUSTER", "INFO").contains("cluster_state:ok")));
		DistributedLock next = this.cache.lock("order:0", Duration.ofSeconds(5));
		Awaitility.await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(next::tryAcquire);
		assertThat(next.fencingToken()).as("token after the empty restart of the slot's master").isGreaterThan(highest);
		next.release();
	}

	@Test
	void remember_onCluster_loadsOncePerKeyAcrossThreads() {
		AtomicInteger loads = new AtomicInteger();
		List<CompletableFuture<String>> calls = IntStream.range(0, 32)
			.mapToObj((i) -> CompletableFuture.supplyAsync(() -> this.cache.remember("report", Duration.ofMinutes(1),
					String.class, () -> "loaded-" + loads.incrementAndGet())))
			.toList();
		assertThat(calls.stream().map(CompletableFuture::join)).containsOnly("loaded-1");
		assertThat(loads).hasValue(1);
	}

	@Test
	void hashTaggedKeys_liveInOneSlot_onOneMaster() {
		Cache orders = this.cache.withPrefix("orders");
		orders.set("{order:42}:draft", "d");
		orders.set("{order:42}:lines", "l");
		int slot = slot("orders:{order:42}:draft");
		assertThat(slot("orders:{order:42}:lines")).isEqualTo(slot);
		orders.rename("{order:42}:draft", "{order:42}:final");
		assertThat(orders.getAll(List.of("{order:42}:final", "{order:42}:lines"), String.class))
			.containsOnlyKeys("{order:42}:final", "{order:42}:lines");
	}

	// ---------------------------------------------------------------- helpers

	private int slot(String key) {
		return ClusterSlotHashUtil.calculateSlot((this.prefix + ":" + key).getBytes(StandardCharsets.UTF_8));
	}

	private Map<RedisServerProcess, Set<Integer>> slotsPerMaster(Iterable<String> keys) {
		Map<Integer, RedisServerProcess> owners = new HashMap<>();
		Map<RedisServerProcess, Set<Integer>> result = new LinkedHashMap<>();
		for (String key : keys) {
			int slot = slot(key);
			RedisServerProcess master = owners.computeIfAbsent(slot, this.cluster::masterOf);
			result.computeIfAbsent(master, (m) -> new TreeSet<>()).add(slot);
		}
		return result;
	}

	private RedisServerProcess next(RedisServerProcess master) {
		List<RedisServerProcess> masters = this.cluster.masters();
		return masters.get((masters.indexOf(master) + 1) % masters.size());
	}

	private long keysUnderPrefix(RedisServerProcess master) {
		return this.cluster.keys(master, this.prefix + ":*").size();
	}

}
