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
 * with {@code refreshAfter} 500 ms: the loader runs in the background).
 * <p>
 * A run measures the scenarios in turn, in slices: each scenario's measured time is split
 * into slices of about two seconds (each after a warm-up of its own, which also brings
 * the expiring keys back to their steady state), and the scenarios take turns slice by
 * slice, so that a spell of the shared host's noise falls on all of them rather than on
 * whichever scenario was running (measured one after the other, 8 s each, one scenario's
 * p99 moved by 2x between runs). A run's p99 is over all of its slices' calls. Results
 * are written in JMH's JSON format (primary score: p99 in ms; the error is the standard
 * deviation of the runs) so that {@link BenchmarkReport} reads them like the JMH results.
 */
public final class RefreshAheadHarness {

	/** Benchmark name prefix in the results. */
	public static final String NAME = RefreshAheadHarness.class.getName();

	private static final long INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

	private static final Duration TTL = Duration.ofSeconds(1);

	private static final Duration REFRESH_AFTER = Duration.ofMillis(500);

	private static final long LOADER_MILLIS = 50;

	private static final long SLICE_NANOS = TimeUnit.SECONDS.toNanos(2);

	private final Duration warmUp;

	private final Duration measurement;

	/**
	 * Creates the harness.
	 * @param warmUp how long each scenario runs before each of its measured slices
	 * @param measurement how long each scenario is measured per run, in slices of about
	 * two seconds
	 */
	public RefreshAheadHarness(Duration warmUp, Duration measurement) {
		this.warmUp = warmUp;
		this.measurement = measurement;
	}

	/**
	 * Runs every scenario {@code runs} times, the scenarios taking turns slice by slice,
	 * and writes the results.
	 * @param runs how many runs
	 * @param out the JSON file to write
	 * @throws IOException if the file cannot be written
	 */
	public void run(int runs, Path out) throws IOException {
		Map<String, List<double[]>> samples = new LinkedHashMap<>();
		LettuceConnectionFactory factory = Connections.connectionFactory();
		try (RedisCache cache = Connections.ourCache(factory)) {
			List<Scenario> scenarios = List.of(new Scenario(cache, "hit", RememberPolicy.ttl(Connections.TTL)),
					new Scenario(cache, "expiring", RememberPolicy.ttl(TTL)),
					new Scenario(cache, "refreshAhead", RememberPolicy.ttl(TTL).refreshAfter(REFRESH_AFTER)));
			int slices = (int) Math.max(1, this.measurement.toNanos() / SLICE_NANOS);
			int callsPerSlice = (int) (this.measurement.toNanos() / slices / INTERVAL_NANOS);
			for (int run = 0; run < runs; run++) {
				scenarios.forEach((scenario) -> scenario.start(slices * callsPerSlice));
				for (int slice = 0; slice < slices; slice++) {
					for (Scenario scenario : scenarios) {
						scenario.measureSlice(this.warmUp, callsPerSlice);
					}
				}
				for (Scenario scenario : scenarios) {
					double[] result = scenario.finish();
					samples.computeIfAbsent(scenario.name, (name) -> new ArrayList<>()).add(result);
					System.out.printf(Locale.ROOT,
							"refresh-ahead %s: p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms, max %.3f ms, %d loads%n",
							scenario.name, result[1], result[0], result[2], result[3], (int) result[4]);
				}
			}
		}
		finally {
			factory.destroy();
		}
		write(samples, out);
	}

	/** One scenario: its key, policy and loader, and the latencies of the current run. */
	private static final class Scenario {

		private final String name;

		private final AtomicInteger loads = new AtomicInteger();

		private final Runnable call;

		private long[] latencies = new long[0];

		private int measured;

		private int countedLoads;

		Scenario(RedisCache cache, String name, RememberPolicy policy) {
			this.name = name;
			String key = "refresh:" + name;
			cache.delete(key);
			Payload payload = Payload.sample();
			this.call = () -> cache.remember(key, policy, Payload.class, () -> {
				this.loads.incrementAndGet();
				Thread.sleep(LOADER_MILLIS);
				return payload;
			});
		}

		void start(int calls) {
			this.latencies = new long[calls];
			this.measured = 0;
			this.countedLoads = 0;
		}

		/**
		 * Warms up (neither latencies nor loads counted), then measures {@code calls}
		 * calls.
		 */
		void measureSlice(Duration warmUp, int calls) {
			loop(this.call, (int) (warmUp.toNanos() / INTERVAL_NANOS), null, 0);
			int loadsBefore = this.loads.get();
			loop(this.call, calls, this.latencies, this.measured);
			this.measured += calls;
			this.countedLoads += this.loads.get() - loadsBefore;
		}

		double[] finish() {
			long[] sorted = Arrays.copyOf(this.latencies, this.measured);
			Arrays.sort(sorted);
			double[] result = { millis(percentile(sorted, 0.99)), millis(percentile(sorted, 0.5)),
					millis(percentile(sorted, 0.999)), millis(sorted[sorted.length - 1]), this.countedLoads };
			return result;
		}

	}

	private static void loop(Runnable call, int count, long[] latencies, int offset) {
		long start = System.nanoTime();
		for (int i = 0; i < count; i++) {
			long scheduled = start + i * INTERVAL_NANOS;
			long wait;
			while ((wait = scheduled - System.nanoTime()) > 0) {
				LockSupport.parkNanos(wait);
			}
			call.run();
			if (latencies != null) {
				latencies[offset + i] = System.nanoTime() - scheduled;
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
