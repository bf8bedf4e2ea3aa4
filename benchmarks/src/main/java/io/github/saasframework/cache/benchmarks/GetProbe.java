package io.github.saasframework.cache.benchmarks;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;

/**
 * The GET loop that runs during pattern deletion, in a JVM of its own so that the
 * deleting JVM's garbage collection does not show up as Redis latency: it stands for the
 * other application instances that use the same Redis meanwhile.
 * <p>
 * Reads commands on standard input: {@code start} begins sending one {@code GET} every
 * millisecond, measuring each from its scheduled start (so a GET stuck behind a long
 * command counts for every GET a client would have sent meanwhile: no coordinated
 * omission; the probe collects its garbage before it starts, so that its own pauses do
 * not count); {@code stop} ends the loop and prints {@code <p99 ms> <max ms> <count>};
 * {@code quit} exits. Arguments: the port and the key to read.
 */
public final class GetProbe {

	private static final long INTERVAL_NANOS = 1_000_000;

	private GetProbe() {
	}

	/**
	 * Runs the probe.
	 * @param args the port and the key
	 * @throws Exception if the connection fails
	 */
	public static void main(String[] args) throws Exception {
		int port = Integer.parseInt(args[0]);
		String key = args[1];
		long[] latencies = new long[1 << 20];
		RedisClient client = RedisClient.create("redis://127.0.0.1:" + port);
		try (StatefulRedisConnection<String, String> connection = client.connect();
				BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
			RedisCommands<String, String> commands = connection.sync();
			for (int i = 0; i < 2000; i++) {
				commands.get(key);
			}
			System.out.println("ready");
			String line;
			while ((line = in.readLine()) != null && !line.equals("quit")) {
				if (!line.equals("start")) {
					continue;
				}
				// a collection now rather than during the window: the probe's own pauses
				// are not Redis latency
				System.gc();
				Loop loop = new Loop(commands, key, latencies);
				Thread thread = new Thread(loop, "get-probe");
				thread.start();
				System.out.println("started");
				while ((line = in.readLine()) != null && !line.equals("stop")) {
					// wait for stop
				}
				loop.running = false;
				thread.join();
				long[] sorted = Arrays.copyOf(latencies, loop.count);
				Arrays.sort(sorted);
				if (sorted.length == 0) {
					System.out.println("NaN NaN 0");
					continue;
				}
				double p99 = sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * 0.99) - 1)] / 1e6;
				double max = sorted[sorted.length - 1] / 1e6;
				System.out.printf(Locale.ROOT, "%.3f %.3f %d%n", p99, max, sorted.length);
			}
		}
		finally {
			client.shutdown();
		}
	}

	private static final class Loop implements Runnable {

		private final RedisCommands<String, String> commands;

		private final String key;

		private final long[] latencies;

		volatile boolean running = true;

		int count;

		Loop(RedisCommands<String, String> commands, String key, long[] latencies) {
			this.commands = commands;
			this.key = key;
			this.latencies = latencies;
		}

		@Override
		public void run() {
			long next = System.nanoTime();
			while (this.running && this.count < this.latencies.length) {
				long wait = next - System.nanoTime();
				if (wait > 0) {
					LockSupport.parkNanos(wait);
				}
				this.commands.get(this.key);
				this.latencies[this.count++] = System.nanoTime() - next;
				next += INTERVAL_NANOS;
			}
		}

	}

}
