package io.github.saasframework.cache.internal.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import io.github.saasframework.cache.testsupport.RedisClusterExtension;
import io.github.saasframework.cache.testsupport.RedisClusterProcesses;
import io.github.saasframework.cache.testsupport.RedisServerProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.data.redis.connection.ClusterSlotHashUtil;
import org.springframework.data.redis.connection.SetCondition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * {@link RedisDoor} on the tests' 3-master Redis Cluster: the shared native connection is
 * then a cluster connection that routes each command by its key's slot, so get, set and
 * getWithTtl reach keys of every master, without a connection per call, also after the
 * factory reset its connection.
 */
@ExtendWith(RedisClusterExtension.class)
class RedisDoorClusterTests {

	private final RedisClusterProcesses cluster = RedisClusterExtension.cluster();

	private final String prefix = "native-cluster-" + UUID.randomUUID().toString().substring(0, 8) + ":";

	private CountingConnectionFactory factory;

	private DoorCalls calls;

	/** One key per master, each in a slot that master serves. */
	private final Map<RedisServerProcess, byte[]> keys = new LinkedHashMap<>();

	@BeforeEach
	void start() {
		this.factory = CountingConnectionFactory.start(this.cluster.configuration(), Duration.ofSeconds(5));
		this.calls = new DoorCalls(this.factory);
		for (int i = 0; this.keys.size() < this.cluster.masters().size(); i++) {
			byte[] key = bytes(this.prefix + i);
			this.keys.putIfAbsent(this.cluster.masterOf(ClusterSlotHashUtil.calculateSlot(key)), key);
		}
	}

	@AfterEach
	void stop() {
		try {
			this.keys.values().forEach(this.calls::unlink);
		}
		finally {
			this.factory.destroy();
		}
	}

	@Test
	void getSetGetWithTtl_reachEveryMaster_withoutAConnectionPerCall() {
		assertThat(this.calls.get(bytes(this.prefix + "warm"))).isNull();
		int connections = this.factory.connections();
		this.keys.forEach((master, key) -> {
			assertThat(this.calls.set(key, key, 60_000, SetCondition.upsert())).isTrue();
			assertThat(this.calls.set(key, bytes("other"), 60_000, SetCondition.ifAbsent())).isFalse();
			assertThat(this.calls.get(key)).isEqualTo(key);
			StoredEntry entry = this.calls.getWithTtl(key);
			assertThat(entry).isNotNull();
			assertThat(entry.bytes()).isEqualTo(key);
			assertThat(entry.remainingMillis()).isBetween(1L, 60_000L);
		});
		assertThat(this.factory.connections()).as("no connection taken from the factory per call")
			.isEqualTo(connections);
		this.keys.forEach((master, key) -> assertThat(this.cluster.keys(master, this.prefix + "*"))
			.as("stored on the master of its slot")
			.containsExactly(new String(key, StandardCharsets.UTF_8)));
	}

	@Test
	void factoryReset_callsReachEveryMasterOnTheNewConnection() {
		this.keys.values().forEach((key) -> this.calls.set(key, key, 60_000, SetCondition.upsert()));
		int connections = this.factory.connections();
		this.factory.resetConnection();
		this.keys.values().forEach((key) -> assertThat(this.calls.get(key)).isEqualTo(key));
		this.factory.resetConnection();
		this.keys.values()
			.forEach((key) -> assertThat(this.calls.set(key, bytes("again"), 60_000, SetCondition.upsert())).isTrue());
		this.factory.resetConnection();
		this.keys.values().forEach((key) -> assertThat(this.calls.getWithTtl(key)).isNotNull());
		assertThat(this.factory.connections()).isEqualTo(connections + 3);
	}

	@Test
	void wrongType_failsAsThroughTheFactory() {
		byte[] key = this.keys.values().iterator().next();
		this.calls.execute((connection) -> connection.listCommands().rPush(key, bytes("a")));
		Throwable fast = catchThrowable(() -> this.calls.get(key));
		Throwable throughFactory = catchThrowable(
				() -> this.calls.execute((connection) -> connection.stringCommands().get(key)));
		assertThat(fast).isNotNull().isExactlyInstanceOf(throughFactory.getClass());
		assertThat(Outages.reason(fast)).isEqualTo("WRONGTYPE");
		Throwable fastScript = catchThrowable(() -> this.calls.getWithTtl(key));
		Throwable scriptThroughFactory = catchThrowable(
				() -> this.calls.execute((connection) -> DoorCalls.getWithTtlThroughSpring(connection, key)));
		assertThat(fastScript).isNotNull().isExactlyInstanceOf(scriptThroughFactory.getClass());
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
