package io.github.saasframework.cache.benchmarks;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import io.github.saasframework.cache.RedisCache;
import io.github.saasframework.cache.RememberPolicy;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Latency of {@code remember} on a key whose TTL keeps running out, with and without
 * refresh-ahead, against a plain hit. One caller sends one {@code remember} every
 * millisecond (open loop) and measures each from its scheduled start, so a call that
 * waits for the loader counts for every call a client would have sent meanwhile (no
 * coordinated omission); a JMH sample of back-to-back calls would hide the stall behind
 * one slow sample.
 * <p>
 * Scenarios: {@code hit} (an entry with a one-hour TTL: every call is a hit),
 * {@code expiring} (TTL 1 s, a loader that takes 50 ms: once a second one call runs it
 * and the calls behind it queue up) and {@code refreshAhead} (the same TTL and loader
 * with {@code refreshAfter} 500 ms: the loader runs in the background). Results are
 * written in JMH's JSON format (primary score: p99 in ms; the error is the standard
 * deviation of the runs) so that {@link BenchmarkReport} reads them like the JMH results.
 */
public final class RefreshAheadHarness {

	/** Benchmark name prefix in the results. */
	public static final String NAME = RefreshAheadHarness.class.getName();

	private static final long INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

	private static final Duration TTL = Duration.ofSeconds(1);

	private static final Duration REFRESH_AFTER = Duration.ofMillis(500);

	private static final long LOADER_MILLIS = 50;

	private final Duration warmUp;

	private final Duration measurement;

	/**
	 * Creates the harness.
	 * @param warmUp how long each scenario runs before it is measured
	 * @param measurement how long each scenario is measured per run
	 */
	public RefreshAheadHarness(Duration warmUp, Duration measurement) {
		this.warmUp = warmUp;
		this.measurement = measurement;
	}

	/**
	 * Runs every scenario {@code runs} times, in turn, and writes the results.
	 * @param runs how many runs
	 * @param out the JSON file to write
	 * @throws IOException if the file cannot be written
	 */
	public void run(int runs, Path out) throws IOException {
		Map<String, List<double[]>> samples = new LinkedHashMap<>();
		LettuceConnectionFactory factory = Connections.connectionFactory();
		try (RedisCache cache = Connections.ourCache(factory)) {
			for (int run = 0; run < runs; run++) {
				measure(cache, "hit", RememberPolicy.ttl(Connections.TTL), samples);
				measure(cache, "expiring", RememberPolicy.ttl(TTL), samples);
				measure(cache, "refreshAhead", RememberPolicy.ttl(TTL).refreshAfter(REFRESH_AFTER), samples);
			}
		}
		finally {
			factory.destroy();
		}
		write(samples, out);
	}

	private void measure(RedisCache cache, String scenario, RememberPolicy policy,
			Map<String, List<double[]>> samples) {
		String key = "refresh:" + scenario;
		cache.delete(key);
		AtomicInteger loads = new AtomicInteger();
		Payload payload = Payload.sample();
		Runnable call = () -> cache.remember(key, policy, Payload.class, () -> {
			loads.incrementAndGet();
			Thread.sleep(LOADER_MILLIS);
			return payload;
		});
		loop(call, this.warmUp, null);
		loads.set(0);
		long[] latencies = new long[(int) (this.measurement.toNanos() / INTERVAL_NANOS)];
		loop(call, this.measurement, latencies);
		Arrays.sort(latencies);
		double[] result = { millis(percentile(latencies, 0.99)), millis(percentile(latencies, 0.5)),
				millis(percentile(latencies, 0.999)), millis(latencies[latencies.length - 1]), loads.get() };
		samples.computeIfAbsent(scenario, (name) -> new ArrayList<>()).add(result);
		System.out.printf(Locale.ROOT,
				"refresh-ahead %s: p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms, max %.3f ms," + " %d loads%n", scenario,
				result[1], result[0], result[2], result[3], (int) result[4]);
	}

	private static void loop(Runnable call, Duration length, long[] latencies) {
		int count = (int) (length.toNanos() / INTERVAL_NANOS);
		long start = System.nanoTime();
		for (int i = 0; i < count; i++) {
			long scheduled = start + i * INTERVAL_NANOS;
			long wait;
			while ((wait = scheduled - System.nanoTime()) > 0) {
				LockSupport.parkNanos(wait);
			}
			call.run();
			if (latencies != null) {
				latencies[i] = System.nanoTime() - scheduled;
			}
		}
	}

	private static long percentile(long[] sorted, double fraction) {
		return sorted[Math.min(sorted.length - 1, (int) Math.ceil(fraction * sorted.length) - 1)];
	}

	private static double millis(long nanos) {
		return nanos / 1_000_000.0;
	}

	private void write(Map<String, List<double[]>> samples, Path out) throws IOException {
		new HarnessResults(NAME, "sample", "ms (p99)").secondary("p50", "ms")
			.secondary("p999", "ms")
			.secondary("max", "ms")
			.secondary("loads", "#")
			.write(samples, out);
	}

}
