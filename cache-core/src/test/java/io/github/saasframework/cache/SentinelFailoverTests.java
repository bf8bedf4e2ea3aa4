package io.github.saasframework.cache;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import io.github.saasframework.cache.lock.DistributedLock;
import io.github.saasframework.cache.internal.redis.CountingConnectionFactory;
import io.github.saasframework.cache.testsupport.RedisSentinelProcesses;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sentinel failover under traffic: one master, one replica, three Sentinels of the tests'
 * own. A bounded loop of set/get/remember/lock calls runs while the master process is
 * killed; the cache must carry on against the promoted replica without a new connection
 * factory, and no call may hang past the command timeout. The window of failed calls is
 * measured and printed (the README quotes it). Get and set run on the shared native
 * connection ({@code NativeConnection} behind the door) before and after the failover.
 */
class SentinelFailoverTests {

	private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(1);

	/** How long a call may take at most: the command timeout plus scheduling slack. */
	private static final long MAX_CALL_MILLIS = COMMAND_TIMEOUT.toMillis() + 1000;

	private static RedisSentinelProcesses sentinel;

	private static CountingConnectionFactory factory;

	@BeforeAll
	static void start() {
		sentinel = RedisSentinelProcesses.start();
		factory = CountingConnectionFactory.start(sentinel.configuration(), COMMAND_TIMEOUT);
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
	void masterKilledUnderTraffic_cacheRecoversOnPromotedReplica_noCallHangs() {
		RedisCache cache = RedisCache.create(factory,
				CacheConfig.builder().keyPrefix("failover").lockRetryInterval(Duration.ofMillis(10)).build());
		List<Call> calls = new ArrayList<>();
		// warm up: everything works against the first master
		for (int i = 0; i < 20; i++) {
			assertThat(round(cache, i, calls)).isTrue();
		}
		assertThat(calls).allMatch(Call::succeeded);
		assertGetAndSetTakeTheFastPath(cache);

		long tokenBefore = fencingToken(cache);

		long killedAt = System.nanoTime();
		sentinel.initialMaster().kill();

		long deadline = killedAt + Duration.ofSeconds(45).toNanos();
		int consecutiveOk = 0;
		int round = 20;
		while (consecutiveOk < 50 && System.nanoTime() < deadline) {
			consecutiveOk = round(cache, round++, calls) ? consecutiveOk + 1 : 0;
		}

		List<Call> failed = calls.stream().filter((call) -> !call.succeeded()).toList();
		long slowest = calls.stream().mapToLong(Call::millis).max().orElse(0);
		Call firstFailure = failed.isEmpty() ? null : failed.get(0);
		Call lastFailure = failed.isEmpty() ? null : failed.get(failed.size() - 1);
		long windowMillis = failed.isEmpty() ? 0 : (lastFailure.endNanos() - firstFailure.startNanos()) / 1_000_000;
		long recoveredAfter = failed.isEmpty() ? 0 : (lastFailure.endNanos() - killedAt) / 1_000_000;
		System.out.printf(
				"sentinel failover: %d calls, %d failed, window of failed calls %d ms, recovered %d ms after the kill, "
						+ "slowest call %d ms (command timeout %d ms), first failure %s%n",
				calls.size(), failed.size(), windowMillis, recoveredAfter, slowest, COMMAND_TIMEOUT.toMillis(),
				(firstFailure != null) ? firstFailure.error() : "-");

		assertThat(consecutiveOk).as("50 rounds in a row succeed after the failover").isEqualTo(50);
		assertThat(sentinel.currentMasterPort()).as("the replica was promoted")
			.isEqualTo(sentinel.initialReplica().port());
		assertThat(calls).as("no call hangs past the command timeout")
			.allSatisfy((call) -> assertThat(call.millis()).isLessThanOrEqualTo(MAX_CALL_MILLIS));
		assertThat(fencingToken(cache)).as("fencing token after the failover (issue 26)").isGreaterThan(tokenBefore);
		// what was written after the failover is on the new master
		cache.set("after", "written", Duration.ofMinutes(1));
		assertThat(cache.get("after", String.class)).contains("written");
		assertThat(sentinel.initialReplica().command("GET", "failover:after")).contains("written");
		assertGetAndSetTakeTheFastPath(cache);
		assertThat(cache.flushPrefix()).isPositive();
	}

	private static long fencingToken(Cache cache) {
		try (DistributedLock lock = cache.lock("fenced", Duration.ofSeconds(5))) {
			lock.acquire(Duration.ofSeconds(5));
			return lock.fencingToken();
		}
	}

	/** Get and set answer without taking a connection from the factory per call. */
	private static void assertGetAndSetTakeTheFastPath(Cache cache) {
		int connections = factory.connections();
		for (int i = 0; i < 10; i++) {
			cache.set("fast" + i, "v" + i, Duration.ofMinutes(1));
			assertThat(cache.get("fast" + i, String.class)).contains("v" + i);
		}
		assertThat(factory.connections()).as("get and set on the shared native connection").isEqualTo(connections);
	}

	/** One round of traffic; true if every call of it succeeded. */
	private static boolean round(Cache cache, int n, List<Call> calls) {
		String key = "k" + (n % 50);
		boolean ok = call(calls, "set", () -> {
			cache.set(key, "v" + n, Duration.ofMinutes(1));
			return null;
		});
		ok &= call(calls, "get", () -> cache.get(key, String.class));
		ok &= call(calls, "remember",
				() -> cache.remember("r" + (n % 10), Duration.ofMinutes(1), String.class, () -> "loaded"));
		ok &= call(calls, "lock", () -> {
			DistributedLock lock = cache.lock("job", Duration.ofSeconds(5));
			if (lock.tryAcquire()) {
				lock.release();
			}
			return null;
		});
		return ok;
	}

	private static boolean call(List<Call> calls, String name, Callable<?> action) {
		long start = System.nanoTime();
		String error = null;
		try {
			action.call();
		}
		catch (Exception ex) {
			error = name + ": " + ex.getClass().getSimpleName();
		}
		calls.add(new Call(start, System.nanoTime(), error));
		return error == null;
	}

	private record Call(long startNanos, long endNanos, String error) {

		boolean succeeded() {
			return this.error == null;
		}

		long millis() {
			return (this.endNanos - this.startNanos) / 1_000_000;
		}

	}

}
