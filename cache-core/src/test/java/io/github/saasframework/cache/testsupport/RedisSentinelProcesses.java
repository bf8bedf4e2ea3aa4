package io.github.saasframework.cache.testsupport;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.sentinel.api.StatefulRedisSentinelConnection;
import io.lettuce.core.sentinel.api.sync.RedisSentinelCommands;

import org.springframework.data.redis.connection.RedisSentinelConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * A Sentinel setup of the tests' own: one master, one replica and three Sentinels (quorum
 * 2), all {@code redis-server} processes on free loopback ports (the binary
 * {@link RedisServerProcess} finds; Sentinel is {@code redis-server --sentinel}). The
 * master is declared down after 1 s without answers, so a failover completes within a few
 * seconds. {@link #start()} returns once the replica is in sync and every Sentinel knows
 * the replica and the two other Sentinels; {@link #close()} stops every process by PID.
 */
public final class RedisSentinelProcesses implements AutoCloseable {

	/** The master name the Sentinels monitor. */
	public static final String MASTER_NAME = "cachemaster";

	private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

	private final RedisServerProcess master;

	private final RedisServerProcess replica;

	private final List<RedisServerProcess> sentinels = new ArrayList<>();

	private final RedisClient client = RedisClient.create();

	private RedisSentinelProcesses(RedisServerProcess master, RedisServerProcess replica) {
		this.master = master;
		this.replica = replica;
	}

	/**
	 * Starts the master, the replica and three Sentinels, and waits until failover is
	 * possible.
	 * @return the running setup
	 */
	public static RedisSentinelProcesses start() {
		RedisServerProcess master = RedisServerProcess.start();
		RedisSentinelProcesses setup = null;
		try {
			RedisServerProcess replica = RedisServerProcess.start("--replicaof", master.host(),
					String.valueOf(master.port()));
			master.command("CONFIG", "SET", "repl-diskless-sync-delay", "0");
			setup = new RedisSentinelProcesses(master, replica);
			String config = String.join("\n",
					"sentinel monitor " + MASTER_NAME + " " + master.host() + " " + master.port() + " 2",
					"sentinel down-after-milliseconds " + MASTER_NAME + " 1000",
					"sentinel failover-timeout " + MASTER_NAME + " 10000",
					"sentinel parallel-syncs " + MASTER_NAME + " 1");
			for (int i = 0; i < 3; i++) {
				setup.sentinels.add(RedisServerProcess.startSentinel(config));
			}
			setup.awaitReady();
			return setup;
		}
		catch (RuntimeException ex) {
			if (setup != null) {
				setup.close();
			}
			else {
				master.stop();
			}
			throw ex;
		}
	}

	/** The master the setup started with. */
	public RedisServerProcess initialMaster() {
		return this.master;
	}

	/** The replica the setup started with. */
	public RedisServerProcess initialReplica() {
		return this.replica;
	}

	/**
	 * The Sentinels as a {@code spring.data.redis.sentinel.nodes} value.
	 * @return {@code host:port,host:port,host:port}
	 */
	public String nodesProperty() {
		return String.join(",", this.sentinels.stream().map((node) -> node.host() + ":" + node.port()).toList());
	}

	/**
	 * The Spring Data configuration, as {@code spring.data.redis.sentinel.*} would give
	 * it.
	 * @return the configuration
	 */
	public RedisSentinelConfiguration configuration() {
		RedisSentinelConfiguration configuration = new RedisSentinelConfiguration();
		configuration.master(MASTER_NAME);
		this.sentinels.forEach((sentinel) -> configuration.sentinel(sentinel.host(), sentinel.port()));
		return configuration;
	}

	/**
	 * Creates and starts a Lettuce connection factory through the Sentinels; the caller
	 * destroys it.
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
	 * The port of the master as the first Sentinel that answers reports it now.
	 * @return the master's port
	 */
	public int currentMasterPort() {
		for (RedisServerProcess sentinel : this.sentinels) {
			if (sentinel.isRunning()) {
				return ((InetSocketAddress) sentinel(sentinel, (commands) -> commands.getMasterAddrByName(MASTER_NAME)))
					.getPort();
			}
		}
		throw new IllegalStateException("No Sentinel is running");
	}

	@Override
	public void close() {
		this.client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
		this.sentinels.forEach(RedisServerProcess::stop);
		this.replica.stop();
		this.master.stop();
	}

	private void awaitReady() {
		Await.until(() -> info(this.replica).contains("master_link_status:up"), "the replica to sync", READY_TIMEOUT);
		Await.until(() -> this.sentinels.stream().allMatch((sentinel) -> sentinel(sentinel, (commands) -> {
			List<Map<String, String>> replicas = commands.replicas(MASTER_NAME);
			Map<String, String> master = commands.master(MASTER_NAME);
			return replicas.size() == 1 && !replicas.get(0).get("flags").contains("down")
					&& "2".equals(master.get("num-other-sentinels"));
		})), "every Sentinel to know the replica and the other Sentinels", READY_TIMEOUT);
	}

	private String info(RedisServerProcess node) {
		RedisURI uri = RedisURI.create(node.host(), node.port());
		try (StatefulRedisConnection<String, String> connection = this.client.connect(uri)) {
			RedisCommands<String, String> commands = connection.sync();
			return commands.info("replication");
		}
	}

	private <T> T sentinel(RedisServerProcess sentinel, Function<RedisSentinelCommands<String, String>, T> action) {
		RedisURI uri = RedisURI.create(sentinel.host(), sentinel.port());
		try (StatefulRedisSentinelConnection<String, String> connection = this.client.connectSentinel(uri)) {
			return action.apply(connection.sync());
		}
	}

}
