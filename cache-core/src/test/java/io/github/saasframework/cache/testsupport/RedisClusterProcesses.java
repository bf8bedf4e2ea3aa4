package io.github.saasframework.cache.testsupport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import io.lettuce.core.MigrateArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;

import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * A Redis Cluster of the tests' own: {@code redis-server} processes in cluster mode on
 * free loopback ports (the same binary {@link RedisServerProcess} finds, so it works on a
 * machine with only a JDK), joined with {@code CLUSTER MEET}, the 16384 slots split
 * evenly over the masters with {@code CLUSTER ADDSLOTS}, optionally one replica per
 * master, and waited on until every node reports {@code cluster_state:ok}. No
 * {@code redis-cli} is needed.
 * <p>
 * {@link #close()} stops every process by its PID.
 */
public final class RedisClusterProcesses implements AutoCloseable {

	/** The number of hash slots of a Redis Cluster. */
	public static final int SLOTS = 16384;

	private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

	private final List<RedisServerProcess> masters;

	private final List<RedisServerProcess> replicas;

	private final RedisClient client = RedisClient.create();

	private RedisClusterProcesses(List<RedisServerProcess> masters, List<RedisServerProcess> replicas) {
		this.masters = masters;
		this.replicas = replicas;
	}

	/**
	 * Starts a cluster and waits until it serves every slot.
	 * @param masterCount the number of masters, at least 1
	 * @param replicasPerMaster replicas per master, 0 or more
	 * @return the running cluster
	 */
	public static RedisClusterProcesses start(int masterCount, int replicasPerMaster) {
		List<RedisServerProcess> masters = new ArrayList<>();
		List<RedisServerProcess> replicas = new ArrayList<>();
		RedisClusterProcesses cluster = new RedisClusterProcesses(masters, replicas);
		try {
			for (int i = 0; i < masterCount; i++) {
				masters.add(startNode());
			}
			for (int i = 0; i < masterCount * replicasPerMaster; i++) {
				replicas.add(startNode());
			}
			cluster.create();
			return cluster;
		}
		catch (RuntimeException ex) {
			cluster.close();
			throw ex;
		}
	}

	private static RedisServerProcess startNode() {
		// the bus port is port + 10000: RedisServerProcess.freePort() stays below 55000
		return RedisServerProcess.start("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
				"--cluster-node-timeout", "2000", "--cluster-require-full-coverage", "yes",
				// a replica is eligible for failover only once it has synced: no delay
				"--repl-diskless-sync-delay", "0");
	}

	private void create() {
		int masterCount = this.masters.size();
		for (int i = 0; i < masterCount; i++) {
			int from = SLOTS * i / masterCount;
			int to = SLOTS * (i + 1) / masterCount;
			int index = i;
			run(this.masters.get(i), (redis) -> {
				redis.clusterSetConfigEpoch(index + 1);
				redis.clusterAddSlots(IntStream.range(from, to).toArray());
			});
		}
		RedisServerProcess first = this.masters.get(0);
		for (RedisServerProcess node : nodes()) {
			if (node != first) {
				run(node, (redis) -> redis.clusterMeet(first.host(), first.port()));
			}
		}
		awaitKnown(nodes().size());
		for (int i = 0; i < this.replicas.size(); i++) {
			String masterId = nodeId(this.masters.get(i % masterCount));
			run(this.replicas.get(i), (redis) -> redis.clusterReplicate(masterId));
		}
		awaitReady();
	}

	/** The masters, in slot order: the first serves the lowest slots. */
	public List<RedisServerProcess> masters() {
		return List.copyOf(this.masters);
	}

	/** Every node: masters first, then replicas. */
	public List<RedisServerProcess> nodes() {
		List<RedisServerProcess> all = new ArrayList<>(this.masters);
		all.addAll(this.replicas);
		return all;
	}

	/**
	 * The Spring Data configuration with every master as a seed node, as
	 * {@code spring.data.redis.cluster.nodes} would give it.
	 * @return the configuration
	 */
	public RedisClusterConfiguration configuration() {
		return new RedisClusterConfiguration(
				this.masters.stream().map((node) -> node.host() + ":" + node.port()).toList());
	}

	/**
	 * The seed nodes as a {@code spring.data.redis.cluster.nodes} value.
	 * @return {@code host:port,host:port,...}
	 */
	public String nodesProperty() {
		return String.join(",", this.masters.stream().map((node) -> node.host() + ":" + node.port()).toList());
	}

	/**
	 * Creates and starts a Lettuce connection factory on the cluster; the caller destroys
	 * it.
	 * @param commandTimeout how long a command may take
	 * @return a started factory
	 */
	public LettuceConnectionFactory connectionFactory(Duration commandTimeout) {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(configuration(),
				LettuceClientConfiguration.builder().commandTimeout(commandTimeout).build());
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

	/**
	 * The node id of a node ({@code CLUSTER MYID}).
	 * @param node a node of this cluster
	 * @return its id
	 */
	public String nodeId(RedisServerProcess node) {
		return call(node, RedisCommands::clusterMyId);
	}

	/**
	 * The master that serves a slot now, as that master itself reports it.
	 * @param slot the slot
	 * @return the master
	 */
	public RedisServerProcess masterOf(int slot) {
		for (RedisServerProcess master : this.masters) {
			String owner = call(master, (redis) -> {
				for (String line : redis.clusterNodes().split("\n")) {
					String[] fields = line.split(" ");
					if (fields.length > 8 && fields[2].contains("myself")) {
						for (int i = 8; i < fields.length; i++) {
							if (covers(fields[i], slot)) {
								return fields[0];
							}
						}
					}
				}
				return null;
			});
			if (owner != null) {
				return master;
			}
		}
		throw new IllegalStateException("No master serves slot " + slot);
	}

	/**
	 * Moves a slot and its keys from one master to another, the way
	 * {@code redis-cli --cluster reshard} does: {@code SETSLOT IMPORTING/MIGRATING},
	 * {@code MIGRATE} of every key, then {@code SETSLOT NODE} on every master.
	 * @param slot the slot
	 * @param to the master that serves it afterwards
	 * @return how many keys moved
	 */
	public int migrateSlot(int slot, RedisServerProcess to) {
		RedisServerProcess from = masterOf(slot);
		if (from == to) {
			return 0;
		}
		String fromId = nodeId(from);
		String toId = nodeId(to);
		run(to, (redis) -> redis.clusterSetSlotImporting(slot, fromId));
		run(from, (redis) -> redis.clusterSetSlotMigrating(slot, toId));
		int moved = 0;
		while (true) {
			List<String> keys = call(from, (redis) -> redis.clusterGetKeysInSlot(slot, 100));
			if (keys.isEmpty()) {
				break;
			}
			run(from, (redis) -> redis.migrate(to.host(), to.port(), 0, 5000,
					MigrateArgs.Builder.keys(keys.toArray(new String[0]))));
			moved += keys.size();
		}
		for (RedisServerProcess master : this.masters) {
			run(master, (redis) -> redis.clusterSetSlotNode(slot, toId));
		}
		awaitReady();
		return moved;
	}

	/**
	 * Calls per command since the last {@link #resetStats()}, from {@code INFO
	 * commandstats} of one node, such as {@code "mget" -> 3}.
	 * @param node the node
	 * @return calls per lower-case command name
	 */
	public Map<String, Long> commandCalls(RedisServerProcess node) {
		String info = call(node, (redis) -> redis.info("commandstats"));
		Map<String, Long> calls = new LinkedHashMap<>();
		for (String line : info.split("\r?\n")) {
			if (line.startsWith("cmdstat_")) {
				String name = line.substring("cmdstat_".length(), line.indexOf(':'));
				String stats = line.substring(line.indexOf(':') + 1);
				for (String field : stats.split(",")) {
					if (field.startsWith("calls=")) {
						calls.put(name, Long.parseLong(field.substring("calls=".length())));
					}
				}
			}
		}
		return calls;
	}

	/** Resets {@code INFO commandstats} on every node ({@code CONFIG RESETSTAT}). */
	public void resetStats() {
		for (RedisServerProcess node : nodes()) {
			run(node, RedisCommands::configResetstat);
		}
	}

	/**
	 * The keys of one node that match a glob ({@code KEYS}: for tests only).
	 * @param node the node
	 * @param pattern the glob
	 * @return the matching keys of that node
	 */
	public List<String> keys(RedisServerProcess node, String pattern) {
		return call(node, (redis) -> redis.keys(pattern));
	}

	@Override
	public void close() {
		this.client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
		for (RedisServerProcess node : nodes()) {
			node.stop();
		}
	}

	private void awaitKnown(int count) {
		Await.until(
				() -> nodes().stream().allMatch((node) -> info(node).contains("cluster_known_nodes:" + count + "\r\n")),
				"every node to know " + count + " nodes", READY_TIMEOUT);
	}

	private void awaitReady() {
		int count = nodes().size();
		Await.until(() -> nodes().stream().allMatch((node) -> {
			String info = info(node);
			return info.contains("cluster_state:ok") && info.contains("cluster_slots_ok:" + SLOTS)
					&& info.contains("cluster_known_nodes:" + count + "\r\n") && agreesOnSlots(node);
		}), "cluster_state:ok on every node", READY_TIMEOUT);
		Await.until(() -> this.replicas.stream()
			.allMatch(
					(replica) -> call(replica, (redis) -> redis.info("replication")).contains("master_link_status:up")),
				"every replica to sync with its master", READY_TIMEOUT);
	}

	private boolean agreesOnSlots(RedisServerProcess node) {
		// every node must see every master with its slots, or clients get a partial view
		String nodes = call(node, RedisCommands::clusterNodes);
		long mastersWithSlots = nodes.lines()
			.map((line) -> line.split(" "))
			.filter((fields) -> fields.length > 8 && fields[2].contains("master"))
			.count();
		return mastersWithSlots >= this.masters.size() || this.masters.size() == 1;
	}

	private String info(RedisServerProcess node) {
		return call(node, RedisCommands::clusterInfo);
	}

	private void run(RedisServerProcess node, java.util.function.Consumer<RedisCommands<String, String>> action) {
		call(node, (redis) -> {
			action.accept(redis);
			return null;
		});
	}

	private <T> T call(RedisServerProcess node, java.util.function.Function<RedisCommands<String, String>, T> action) {
		RedisURI uri = RedisURI.builder()
			.withHost(node.host())
			.withPort(node.port())
			.withTimeout(Duration.ofSeconds(5))
			.build();
		try (StatefulRedisConnection<String, String> connection = this.client.connect(uri)) {
			return action.apply(connection.sync());
		}
	}

	private static boolean covers(String range, int slot) {
		if (range.startsWith("[")) {
			return false; // a slot being imported or migrated
		}
		int dash = range.indexOf('-');
		if (dash < 0) {
			return Integer.parseInt(range) == slot;
		}
		return Integer.parseInt(range.substring(0, dash)) <= slot
				&& slot <= Integer.parseInt(range.substring(dash + 1));
	}

}
