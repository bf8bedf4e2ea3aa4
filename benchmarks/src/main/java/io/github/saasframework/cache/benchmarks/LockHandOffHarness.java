package io.github.saasframework.cache.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;

import io.github.saasframework.cache.RedisCache;
import io.github.saasframework.cache.lock.DistributedLock;
import org.redisson.api.RLock;
import org.redisson.api.RedissonClient;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.integration.redis.util.RedisLockRegistry;

/**
 * Hand-off latency of a contended lock between two instances (two clients of their own):
 * instance A holds the lock, instance B waits in {@code acquire}/{@code lock()}, A
 * releases; the time from the release call to B's acquire returning is one sample.
 * Contenders: ours (release notification, default 50 ms retry interval), Redisson's
 * {@code RLock} (pub/sub wake-up) and Spring Integration's {@code RedisLockRegistry} with
 * {@code PUB_SUB_LOCK}. Also the fairness of ours: 8 threads in each of 2 instances take
 * the one lock in turn; the figure is the longest wait of any acquisition divided by the
 * mean wait (1 would be perfectly even).
 * <p>
 * Writes JMH-shaped results ({@code LockHandOffHarness.<contender>}: primary the p50 in
 * ms, secondary {@code handoff.p90} and {@code handoff.p99};
 * {@code LockHandOffHarness.fairness}: max wait ÷ mean wait) for {@link BenchmarkReport}.
 */
public final class LockHandOffHarness {

	static final String NAME = "LockHandOffHarness";

	private static final Duration LEASE = Duration.ofSeconds(30);

	private final int trials;

	public LockHandOffHarness(int trials) {
		this.trials = trials;
	}

	/**
	 * Measures every contender and writes the results.
	 * @param out the JSON file to write
	 * @throws Exception if a contender fails
	 */
	public void run(Path out) throws Exception {
		LettuceConnectionFactory ourA = Connections.connectionFactory();
		LettuceConnectionFactory ourB = Connections.connectionFactory();
		LettuceConnectionFactory registryFactoryA = Connections.connectionFactory();
		LettuceConnectionFactory registryFactoryB = Connections.connectionFactory();
		RedisLockRegistry registryA = new RedisLockRegistry(registryFactoryA, "registry", LEASE.toMillis());
		RedisLockRegistry registryB = new RedisLockRegistry(registryFactoryB, "registry", LEASE.toMillis());
		registryA.setRedisLockType(RedisLockRegistry.RedisLockType.PUB_SUB_LOCK);
		registryB.setRedisLockType(RedisLockRegistry.RedisLockType.PUB_SUB_LOCK);
		RedissonClient redissonA = Connections.redisson();
		RedissonClient redissonB = Connections.redisson();
		try (RedisCache a = Connections.ourCache(ourA); RedisCache b = Connections.ourCache(ourB)) {
			RLock lockA = redissonA.getLock("redisson:handoff");
			RLock lockB = redissonB.getLock("redisson:handoff");
			Map<String, Acquirer[]> contenders = new LinkedHashMap<>();
			contenders.put("ours", new Acquirer[] { () -> {
				DistributedLock lock = a.lock("handoff", LEASE);
				lock.acquire(LEASE);
				return lock::release;
			}, () -> {
				DistributedLock lock = b.lock("handoff", LEASE);
				lock.acquire(LEASE);
				return lock::release;
			} });
			contenders.put("redisson", new Acquirer[] { () -> {
				lockA.lock(LEASE.toMillis(), TimeUnit.MILLISECONDS);
				return lockA::unlock;
			}, () -> {
				lockB.lock(LEASE.toMillis(), TimeUnit.MILLISECONDS);
				return lockB::unlock;
			} });
			contenders.put("registry", new Acquirer[] { () -> {
				Lock lock = registryA.obtain("handoff");
				lock.lock();
				return lock::unlock;
			}, () -> {
				Lock lock = registryB.obtain("handoff");
				lock.lock();
				return lock::unlock;
			} });
			Map<String, double[]> latencies = measure(contenders);
			write(latencies, fairness(), out);
		}
		finally {
			redissonA.shutdown();
			redissonB.shutdown();
			registryA.destroy();
			registryB.destroy();
			for (LettuceConnectionFactory factory : List.of(ourA, ourB, registryFactoryA, registryFactoryB)) {
				factory.destroy();
			}
		}
	}

	/**
	 * Hand-off latencies in ms per contender, sorted. The contenders take turns, one
	 * hand-off each per round and a different one first in each round, so that none is
	 * measured while the JVM is colder (code shared by all, such as Netty's, compiled
	 * during the first contender's rounds) or the machine busier than for the others: run
	 * one after the other, whichever ran first measured 1.5-2x slower.
	 */
	private Map<String, double[]> measure(Map<String, Acquirer[]> contenders) throws Exception {
		ExecutorService pool = Executors.newSingleThreadExecutor();
		int warmup = 10;
		List<String> names = new ArrayList<>(contenders.keySet());
		Map<String, double[]> samples = new LinkedHashMap<>();
		names.forEach((name) -> samples.put(name, new double[this.trials]));
		try {
			for (int i = 0; i < warmup + this.trials; i++) {
				for (int turn = 0; turn < names.size(); turn++) {
					String name = names.get((i + turn) % names.size());
					Acquirer[] pair = contenders.get(name);
					double millis = handOff(pair[0], pair[1], pool);
					if (i >= warmup) {
						samples.get(name)[i - warmup] = millis;
					}
				}
			}
		}
		finally {
			pool.shutdownNow();
		}
		samples.values().forEach(Arrays::sort);
		return samples;
	}

	/** One hand-off from holder to waiter, in ms. */
	private static double handOff(Acquirer holder, Acquirer waiter, ExecutorService pool) throws Exception {
		Runnable release = holder.acquire();
		CompletableFuture<Long> acquired = CompletableFuture.supplyAsync(() -> {
			try {
				Runnable releaseB = waiter.acquire();
				long at = System.nanoTime();
				releaseB.run();
				return at;
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		}, pool);
		// the waiter is waiting (subscribed, or polling) before the release
		Thread.sleep(60);
		long released = System.nanoTime();
		release.run();
		long at = acquired.get(60, TimeUnit.SECONDS);
		return (at - released) / 1e6;
	}

	/** 8 threads x 2 instances, 25 rounds each: longest wait ÷ mean wait. */
	private double fairness() throws Exception {
		LettuceConnectionFactory factoryA = Connections.connectionFactory();
		LettuceConnectionFactory factoryB = Connections.connectionFactory();
		int threads = 8;
		int rounds = 25;
		ExecutorService pool = Executors.newFixedThreadPool(threads * 2);
		try (RedisCache a = Connections.ourCache(factoryA); RedisCache b = Connections.ourCache(factoryB)) {
			List<CompletableFuture<long[]>> runs = new ArrayList<>();
			for (int t = 0; t < threads * 2; t++) {
				RedisCache instance = (t % 2 == 0) ? a : b;
				runs.add(CompletableFuture.supplyAsync(() -> {
					long[] waits = new long[rounds];
					for (int r = 0; r < rounds; r++) {
						long start = System.nanoTime();
						DistributedLock lock = instance.lock("fairness", LEASE);
						lock.acquire(Duration.ofMinutes(2));
						waits[r] = System.nanoTime() - start;
						lock.release();
					}
					return waits;
				}, pool));
			}
			long max = 0;
			double sum = 0;
			int count = 0;
			for (CompletableFuture<long[]> run : runs) {
				for (long wait : run.get(5, TimeUnit.MINUTES)) {
					max = Math.max(max, wait);
					sum += wait;
					count++;
				}
			}
			double mean = sum / count;
			System.out.printf(Locale.ROOT, "lock fairness (8 threads x 2 instances): mean wait %.2f ms, max %.2f ms%n",
					mean / 1e6, max / 1e6);
			return max / mean;
		}
		finally {
			pool.shutdownNow();
			factoryA.destroy();
			factoryB.destroy();
		}
	}

	private void write(Map<String, double[]> latencies, double fairness, Path out) throws IOException {
		JsonMapper mapper = JsonMapper.builder().build();
		ArrayNode results = mapper.createArrayNode();
		for (Map.Entry<String, double[]> entry : latencies.entrySet()) {
			double[] sorted = entry.getValue();
			ObjectNode result = results.addObject();
			result.put("benchmark", NAME + "." + entry.getKey());
			result.put("mode", "ss");
			result.put("threads", 1);
			result.put("forks", 1);
			result.put("measurementIterations", sorted.length);
			result.set("primaryMetric", metric(mapper, percentile(sorted, 50), "ms"));
			ObjectNode secondary = result.putObject("secondaryMetrics");
			secondary.set("handoff.p90", metric(mapper, percentile(sorted, 90), "ms"));
			secondary.set("handoff.p99", metric(mapper, percentile(sorted, 99), "ms"));
		}
		ObjectNode result = results.addObject();
		result.put("benchmark", NAME + ".fairness");
		result.put("mode", "ss");
		result.put("threads", 16);
		result.put("forks", 1);
		result.put("measurementIterations", 1);
		result.set("primaryMetric", metric(mapper, fairness, "max/mean"));
		result.putObject("secondaryMetrics");
		Files.createDirectories(out.toAbsolutePath().getParent());
		mapper.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), results);
	}

	private static double percentile(double[] sorted, int percent) {
		int index = (int) Math.ceil(percent / 100.0 * sorted.length) - 1;
		return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
	}

	private static ObjectNode metric(JsonMapper mapper, double value, String unit) {
		ObjectNode metric = mapper.createObjectNode();
		metric.put("score", value);
		metric.put("scoreError", 0.0);
		metric.put("scoreUnit", unit);
		metric.putArray("rawData").addArray().add(value);
		return metric;
	}

	@FunctionalInterface
	private interface Acquirer {

		/** Acquires and returns how to release. */
		Runnable acquire() throws Exception;

	}

}
