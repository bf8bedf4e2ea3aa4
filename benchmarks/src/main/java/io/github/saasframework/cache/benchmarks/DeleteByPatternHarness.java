package io.github.saasframework.cache.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.github.saasframework.cache.RedisCache;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.NestedMultiOutput;
import io.lettuce.core.output.IntegerOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.ProtocolKeyword;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The single-shot pattern deletion benchmark: {@code deleteByPattern} of 200 000 keys
 * among 200 000 others against a hand-written Lettuce loop of
 * {@code SCAN MATCH ... COUNT 1000} + {@code UNLINK} per page, against
 * {@code redis-cli --scan --pattern ... | xargs redis-cli unlink} (when {@code redis-cli}
 * is on {@code PATH}) and, for contrast, against {@code KEYS} + {@code DEL}. During each
 * deletion another thread sends a {@code GET} every millisecond on its own connection and
 * records each one's latency from its scheduled start.
 * <p>
 * Each repetition reloads the keys before every contender, and the contenders take turns
 * in a rotating order; both JVMs collect their garbage before every timed deletion.
 * Results are written in JMH's JSON format (mode {@code ss}, scores in ms, the error is
 * the standard deviation of the repetitions) so that {@link BenchmarkReport} reads them
 * like the JMH results.
 */
public final class DeleteByPatternHarness {

	/** Benchmark name prefix in the results. */
	public static final String NAME = DeleteByPatternHarness.class.getName();

	private static final String DELETE_PREFIX = Connections.PREFIX + ":del:";

	private static final String KEEP_PREFIX = Connections.PREFIX + ":keep:";

	private static final String PROBE_KEY = "probe";

	private final int port;

	private final int keys;

	private final Optional<Path> redisCli;

	private String serverEvents = "none";

	/**
	 * Creates the harness.
	 * @param port the benchmark server's port
	 * @param keys how many keys to delete (and as many to keep)
	 * @param redisCli {@code redis-cli}, if there is one
	 */
	public DeleteByPatternHarness(int port, int keys, Optional<Path> redisCli) {
		this.port = port;
		this.keys = keys;
		this.redisCli = redisCli;
	}

	/**
	 * Runs every contender {@code repetitions} times and writes the results.
	 * @param repetitions how many times each contender runs
	 * @param out the JSON file to write
	 * @throws Exception if a run fails
	 */
	public void run(int repetitions, Path out) throws Exception {
		List<String> contenders = new ArrayList<>(List.of("ours", "lettuce", "keysdel"));
		if (this.redisCli.isPresent()) {
			contenders.add("cli");
		}
		else {
			System.out.println("deletebypattern: no redis-cli on PATH, skipping the redis-cli comparison");
		}
		Map<String, List<double[]>> samples = new LinkedHashMap<>();
		contenders.forEach((name) -> samples.put(name, new ArrayList<>()));
		RedisClient client = RedisClient.create("redis://127.0.0.1:" + this.port);
		LettuceConnectionFactory factory = Connections.connectionFactory();
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			connection.sync().set(PROBE_KEY, "probe");
			Probe probe = new Probe(this.port);
			RedisCache cache = Connections.ourCache(factory);
			// run 0 warms up (JIT, connections, heap) and is not counted
			for (int rep = 0; rep <= repetitions; rep++) {
				for (int i = 0; i < contenders.size(); i++) {
					String name = contenders.get((rep + i) % contenders.size());
					load(connection);
					double[] sample = measure(connection, probe, () -> delete(name, cache, connection));
					System.out.printf(
							"deletebypattern %-8s %s: %8.1f ms, GET p99 %6.2f ms, max %6.2f ms"
									+ " (server latency events >= 1 ms: %s)%n",
							name, (rep == 0) ? "warm-up" : "run " + rep, sample[0], sample[1], sample[2],
							this.serverEvents);
					if (rep > 0) {
						samples.get(name).add(sample);
					}
				}
			}
			probe.close();
			connection.sync().flushdb();
		}
		finally {
			factory.destroy();
			client.shutdown();
		}
		write(samples, out);
	}

	private long delete(String name, RedisCache cache, StatefulRedisConnection<String, String> connection)
			throws Exception {
		return switch (name) {
			case "ours" -> cache.deleteByPattern("del:*");
			case "lettuce" -> scanUnlink(connection.sync());
			case "keysdel" -> keysDel(connection.sync());
			case "cli" -> cli();
			default -> throw new IllegalArgumentException(name);
		};
	}

	/** The hand-written loop: SCAN MATCH ... COUNT 1000, UNLINK per page. */
	private static long scanUnlink(RedisCommands<String, String> commands) {
		ScanArgs args = ScanArgs.Builder.matches(DELETE_PREFIX + "*").limit(1000);
		long removed = 0;
		KeyScanCursor<String> cursor = commands.scan(args);
		while (true) {
			List<String> page = cursor.getKeys();
			if (!page.isEmpty()) {
				removed += commands.unlink(page.toArray(new String[0]));
			}
			if (cursor.isFinished()) {
				return removed;
			}
			cursor = commands.scan(ScanCursor.of(cursor.getCursor()), args);
		}
	}

	private static long keysDel(RedisCommands<String, String> commands) {
		List<String> keys = commands.keys(DELETE_PREFIX + "*");
		return keys.isEmpty() ? 0 : commands.del(keys.toArray(new String[0]));
	}

	private long cli() throws IOException, InterruptedException {
		String cli = this.redisCli.orElseThrow().toString();
		String target = cli + " -h 127.0.0.1 -p " + this.port;
		String script = target + " --scan --pattern '" + DELETE_PREFIX + "*' | xargs " + target + " unlink > /dev/null";
		Process process = new ProcessBuilder("bash", "-c", script).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		if (process.waitFor() != 0) {
			throw new IllegalStateException("redis-cli pipeline failed: " + output);
		}
		return this.keys;
	}

	private void load(StatefulRedisConnection<String, String> connection) {
		RedisCommands<String, String> sync = connection.sync();
		sync.flushdb();
		RedisAsyncCommands<String, String> async = connection.async();
		List<RedisFuture<String>> pending = new ArrayList<>();
		int batch = 1000;
		for (int start = 0; start < this.keys; start += batch) {
			Map<String, String> items = new LinkedHashMap<>();
			for (int i = start; i < Math.min(this.keys, start + batch); i++) {
				items.put(DELETE_PREFIX + i, "v" + i);
				items.put(KEEP_PREFIX + i, "v" + i);
			}
			pending.add(async.mset(items));
			if (pending.size() >= 20) {
				await(pending);
			}
		}
		await(pending);
		sync.set(PROBE_KEY, "probe");
		long size = sync.dbsize();
		if (size != 2L * this.keys + 1) {
			throw new IllegalStateException("Loaded " + size + " keys instead of " + (2L * this.keys + 1));
		}
	}

	private static void await(List<RedisFuture<String>> pending) {
		if (!LettuceFutures.awaitAll(60, TimeUnit.SECONDS, pending.toArray(new RedisFuture<?>[0]))) {
			throw new IllegalStateException("Loading the keys timed out");
		}
		pending.clear();
	}

	/**
	 * Runs the deletion while the probe process sends GETs.
	 * @return elapsed ms, probe p99 ms, probe max ms, the longest server latency event in
	 * ms (0 if none reached 1 ms)
	 */
	private double[] measure(StatefulRedisConnection<String, String> connection, Probe probe, Deletion deletion)
			throws Exception {
		RedisCommands<String, String> sync = connection.sync();
		// the garbage of loading the keys is not the deletion's: collected before every
		// contender's run rather than during it
		System.gc();
		sync.configSet("latency-monitor-threshold", "1");
		sync.dispatch(Latency.LATENCY, new IntegerOutput<>(StringCodec.UTF8),
				new CommandArgs<>(StringCodec.UTF8).add("RESET"));
		probe.command("start");
		long start = System.nanoTime();
		long removed = deletion.run();
		double elapsed = (System.nanoTime() - start) / 1e6;
		String[] reply = probe.command("stop").split(" ");
		// what the server itself saw: events of 1 ms or more (command, fast-command,
		// expire-cycle, ...), each as [event, time, latest ms, max ms]
		List<Object> events = sync.dispatch(Latency.LATENCY, new NestedMultiOutput<>(StringCodec.UTF8),
				new CommandArgs<>(StringCodec.UTF8).add("LATEST"));
		this.serverEvents = events.isEmpty() ? "none" : events.toString();
		double serverMax = 0;
		for (Object event : events) {
			if (event instanceof List<?> fields && fields.size() >= 4 && fields.get(3) instanceof Long max) {
				serverMax = Math.max(serverMax, max);
			}
		}
		if (removed != this.keys) {
			throw new IllegalStateException("Removed " + removed + " keys instead of " + this.keys);
		}
		long left = connection.sync().dbsize();
		if (left != this.keys + 1) {
			throw new IllegalStateException(left + " keys left instead of " + (this.keys + 1));
		}
		return new double[] { elapsed, Double.parseDouble(reply[0]), Double.parseDouble(reply[1]), serverMax };
	}

	/** The {@link GetProbe} process. */
	private static final class Probe implements AutoCloseable {

		private final Process process;

		private final BufferedReader out;

		private final Writer in;

		Probe(int port) throws IOException {
			String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
			List<String> command = new ArrayList<>();
			if (Files.isExecutable(Path.of("/usr/bin/nice"))) {
				// the probe stands for clients on other machines: on a small box its own
				// wait for a CPU must not count as Redis latency (an unprivileged user
				// cannot raise the priority; nice then runs it as it is)
				command.addAll(List.of("/usr/bin/nice", "-n", "-10"));
			}
			command.addAll(List.of(java, "-Xms64m", "-Xmx64m", "-XX:+UseSerialGC", "-cp",
					System.getProperty("java.class.path"), "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
					GetProbe.class.getName(), String.valueOf(port), PROBE_KEY));
			this.process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
			this.out = new BufferedReader(new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8));
			this.in = new OutputStreamWriter(this.process.getOutputStream(), StandardCharsets.UTF_8);
			expect("ready");
		}

		String command(String command) throws IOException {
			this.in.write(command + "\n");
			this.in.flush();
			String reply = this.out.readLine();
			if (reply == null) {
				throw new IOException("The GET probe process ended");
			}
			return reply;
		}

		private void expect(String line) throws IOException {
			String reply = this.out.readLine();
			if (!line.equals(reply)) {
				throw new IOException("The GET probe process said " + reply + " instead of " + line);
			}
		}

		@Override
		public void close() throws IOException, InterruptedException {
			this.in.write("quit\n");
			this.in.flush();
			if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
				this.process.destroyForcibly();
			}
		}

	}

	private void write(Map<String, List<double[]>> samples, Path out) throws IOException {
		new HarnessResults(NAME, "ss", "ms/op").secondary("get.p99", "ms")
			.secondary("get.max", "ms")
			.secondary("server.max", "ms")
			.write(samples, out);
	}

	/** The LATENCY command, which Lettuce has no constant for. */
	private static final class Latency implements ProtocolKeyword {

		static final Latency LATENCY = new Latency();

		@Override
		public byte[] getBytes() {
			return toString().getBytes(StandardCharsets.US_ASCII);
		}

		@Override
		public String toString() {
			return "LATENCY";
		}

	}

	@FunctionalInterface
	private interface Deletion {

		long run() throws Exception;

	}

}
