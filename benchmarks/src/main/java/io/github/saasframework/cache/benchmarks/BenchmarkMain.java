package io.github.saasframework.cache.benchmarks;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import io.github.saasframework.cache.test.TestRedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatFactory;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.format.OutputFormat;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs the whole suite against a {@code redis-server} of its own: starts the server on a
 * free loopback port (never 6379), runs the JMH benchmarks (the port goes to the forks as
 * {@code -Dbench.redis.port}), runs {@link LockHandOffHarness},
 * {@link DeleteByPatternHarness}, {@link StampedeHarness}, {@link RefreshAheadHarness}
 * and {@link CoherenceLagHarness}, stops the server and prints the report of
 * {@link BenchmarkReport}.
 * <p>
 * Options: {@code --quick} (1 fork, 4 × 2 s warm-up, 5 × 1 s measurement, 2 deletion
 * runs; full: 2 rounds of 1 fork per benchmark, the second round in the reverse order, 5
 * × 2 s (12 × 2 s for a benchmark of several threads or several requests in flight), 8 ×
 * 1 s, 5 runs: on 2 cores the JIT needs the long warm-up, and many short iterations give
 * narrower confidence intervals than few long ones), {@code --smoke} (1 s per iteration,
 * 1 deletion run: checks that everything runs, numbers mean nothing),
 * {@code --include REGEX} (JMH benchmarks to run; {@code none} for none),
 * {@code --no-delete}, {@code --no-handoff}, {@code --no-stampede}, {@code --no-refresh},
 * {@code --no-coherence} (skip that harness), {@code --prof-gc} (adds JMH's GC profiler),
 * {@code --results DIR} (default {@code benchmarks/target/results}), {@code --svg FILE},
 * {@code --markdown FILE}.
 * <p>
 * {@link NearCacheBenchmark} runs with the same settings as the others: with 3 × 1 s of
 * warm-up its near-cache hits were still getting faster during the measured iterations on
 * 2 cores. In {@code --quick} mode {@link CoherenceLagHarness} measures 3 s per contender
 * under rewrites instead of 10 s.
 */
public final class BenchmarkMain {

	/**
	 * Warm-up iterations (2 s) in a full run of a benchmark of several threads or of
	 * several requests in flight per call.
	 */
	private static final int BUSY_WARMUP_ITERATIONS = 12;

	private BenchmarkMain() {
	}

	/**
	 * Runs the suite.
	 * @param args see the class documentation
	 * @throws Exception if the server cannot start or a benchmark fails
	 */
	public static void main(String[] args) throws Exception {
		boolean quick = false;
		boolean smoke = false;
		boolean delete = true;
		boolean stampede = true;
		boolean refresh = true;
		boolean handOff = true;
		boolean coherence = true;
		boolean gc = false;
		int rounds = 0;
		String include = BenchmarkMain.class.getPackageName() + ".*Benchmark.*";
		Path results = Path.of("benchmarks/target/results");
		Path svg = null;
		Path markdown = null;
		for (int i = 0; i < args.length; i++) {
			switch (args[i]) {
				case "--quick" -> quick = true;
				case "--smoke" -> smoke = true;
				case "--include" -> include = args[++i];
				case "--no-delete" -> delete = false;
				case "--no-stampede" -> stampede = false;
				case "--no-refresh" -> refresh = false;
				case "--no-handoff" -> handOff = false;
				case "--no-coherence" -> coherence = false;
				case "--prof-gc" -> gc = true;
				case "--rounds" -> rounds = Integer.parseInt(args[++i]);
				case "--results" -> results = Path.of(args[++i]);
				case "--svg" -> svg = Path.of(args[++i]);
				case "--markdown" -> markdown = Path.of(args[++i]);
				default -> throw new IllegalArgumentException("Unknown option " + args[i]);
			}
		}
		Files.createDirectories(results);
		long started = System.nanoTime();
		List<Path> files = new ArrayList<>();
		try (TestRedisServer redis = TestRedisServer.start()) {
			// the deletion harness runs in this JVM and connects like the forks do
			System.setProperty("bench.redis.port", String.valueOf(redis.port()));
			String machine = machine(redis);
			System.out.println(machine);
			Files.writeString(results.resolve("machine.txt"), machine + "\n");
			if (!include.equals("none")) {
				Path jmh = results.resolve("jmh.json");
				runJmh(redis.port(), include, quick, smoke, gc, rounds, jmh);
				files.add(jmh);
			}
			if (handOff) {
				Path handOffResults = results.resolve("lockhandoff.json");
				new LockHandOffHarness(smoke ? 10 : (quick ? 30 : 100)).run(handOffResults);
				files.add(handOffResults);
			}
			if (delete) {
				Path deletion = results.resolve("deletebypattern.json");
				new DeleteByPatternHarness(redis.port(), 200_000, redisCli()).run(smoke ? 1 : (quick ? 2 : 5),
						deletion);
				files.add(deletion);
			}
			if (stampede) {
				Path stampedes = results.resolve("stampede.json");
				new StampedeHarness().run(smoke ? 1 : 3, stampedes);
				files.add(stampedes);
			}
			if (refresh) {
				Path refreshAhead = results.resolve("refreshahead.json");
				new RefreshAheadHarness(Duration.ofSeconds(1), Duration.ofSeconds(smoke ? 2 : (quick ? 5 : 8)))
					.run(smoke ? 1 : (quick ? 2 : 3), refreshAhead);
				files.add(refreshAhead);
			}
			if (coherence) {
				Path lag = results.resolve("coherencelag.json");
				Path rewrites = results.resolve("hotkeyrewrites.json");
				new CoherenceLagHarness(smoke ? 100 : 1000, Duration.ofSeconds(smoke ? 1 : 2),
						Duration.ofSeconds(smoke ? 1 : (quick ? 3 : 10)))
					.run(lag, rewrites);
				files.add(lag);
				files.add(rewrites);
			}
		}
		svg = (svg != null) ? svg : results.resolve("benchmarks.svg");
		markdown = (markdown != null) ? markdown : results.resolve("summary.md");
		BenchmarkReport report = BenchmarkReport.read(files);
		report.print(System.out);
		report.writeSvg(svg);
		System.out.println("chart written to " + svg);
		report.writeMarkdown(markdown);
		System.out.println("table written to " + markdown);
		Duration took = Duration.ofNanos(System.nanoTime() - started);
		System.out.printf(Locale.ROOT, "finished in %d min %d s%n", took.toMinutes(), took.toSecondsPart());
	}

	private static void runJmh(int port, String include, boolean quick, boolean smoke, boolean gc, int roundsAsked,
			Path out) throws Exception {
		ChainedOptionsBuilder settings = new OptionsBuilder()
			.jvmArgsAppend("-Dbench.redis.port=" + port, "-Xms1g", "-Xmx1g",
					"-Dorg.slf4j.simpleLogger.defaultLogLevel=warn")
			.forks(1);
		int rounds = 1;
		if (smoke) {
			settings.warmupIterations(1)
				.warmupTime(TimeValue.seconds(1))
				.measurementIterations(1)
				.measurementTime(TimeValue.seconds(1));
		}
		else if (quick) {
			settings.warmupIterations(4)
				.warmupTime(TimeValue.seconds(2))
				.measurementIterations(5)
				.measurementTime(TimeValue.seconds(1));
		}
		else {
			rounds = 2;
			settings.warmupIterations(5)
				.warmupTime(TimeValue.seconds(2))
				.measurementIterations(8)
				.measurementTime(TimeValue.seconds(1));
		}
		rounds = (roundsAsked > 0) ? roundsAsked : rounds;
		if (gc) {
			settings.addProfiler(GCProfiler.class);
		}
		Options common = settings.build();
		// A longer warm-up in a full run for a benchmark that keeps Lettuce's I/O thread
		// busy (several threads, or many requests in flight from one): there each
		// benchmark on Redis (ours, raw Lettuce's and Spring's cache alike) stepped up
		// once, from about 25 000 to 45 000 ops/s at 8 threads, 10 to 18 s into its fork,
		// when the JIT compiled Netty's event loop, and where in the measured iterations
		// the step fell decided the ratios.
		Options busy = (quick || smoke) ? common
				: new OptionsBuilder().parent(common).warmupIterations(BUSY_WARMUP_ITERATIONS).build();
		Map<String, Boolean> methods = benchmarkMethods(include);
		Map<String, List<RunResult>> byBenchmark = new LinkedHashMap<>();
		for (int round = 0; round < rounds; round++) {
			List<String> order = new ArrayList<>(methods.keySet());
			if (round % 2 == 1) {
				Collections.reverse(order);
			}
			for (String method : order) {
				Options parent = methods.get(method) ? busy : common;
				Options one = new OptionsBuilder().parent(parent).include("^" + Pattern.quote(method) + "$").build();
				for (RunResult result : new Runner(one).run()) {
					byBenchmark.computeIfAbsent(key(result.getParams()), (k) -> new ArrayList<>()).add(result);
				}
			}
		}
		List<RunResult> merged = new ArrayList<>();
		for (List<RunResult> results : byBenchmark.values()) {
			List<BenchmarkResult> forks = new ArrayList<>();
			results.forEach((result) -> forks.addAll(result.getBenchmarkResults()));
			merged.add(new RunResult(results.get(0).getParams(), forks));
		}
		merged.sort(RunResult.DEFAULT_SORT_COMPARATOR);
		ResultFormatFactory.getInstance(ResultFormatType.JSON, out.toString()).writeOut(merged);
	}

	/**
	 * The benchmark methods that {@code include} selects, in JMH's order, each with
	 * whether it keeps Lettuce's I/O thread busy (several threads, or several requests in
	 * flight per call). Each runs in JMH runs of its own, one fork each, so that a full
	 * run can measure them round by round, the second round in the reverse order:
	 * measured one after the other (JMH runs a benchmark's forks back to back), a
	 * contender that ran while the shared host was busier lost to one that ran minutes
	 * later, by more than the targets' margins.
	 */
	private static Map<String, Boolean> benchmarkMethods(String include) {
		OutputFormat silent = OutputFormatFactory.createFormatInstance(System.out, VerboseMode.SILENT);
		Map<String, Boolean> methods = new LinkedHashMap<>();
		for (BenchmarkListEntry entry : BenchmarkList.defaultList().find(silent, List.of(include), List.of())) {
			boolean busy = entry.getThreads().orElse(1) > 1 || entry.getOperationsPerInvocation().orElse(1) > 1;
			methods.merge(entry.getUsername(), busy, Boolean::logicalOr);
		}
		return methods;
	}

	private static String key(BenchmarkParams params) {
		StringBuilder key = new StringBuilder(params.getBenchmark()).append('|').append(params.getMode());
		for (Object name : params.getParamsKeys()) {
			key.append('|').append(name).append('=').append(params.getParam((String) name));
		}
		return key.toString();
	}

	private static String machine(TestRedisServer redis) throws IOException {
		String cpu = "unknown";
		Path cpuinfo = Path.of("/proc/cpuinfo");
		if (Files.isReadable(cpuinfo)) {
			cpu = Files.readAllLines(cpuinfo)
				.stream()
				.filter((line) -> line.startsWith("model name"))
				.map((line) -> line.substring(line.indexOf(':') + 1).trim())
				.findFirst()
				.orElse("unknown");
		}
		String info = serverInfo(redis);
		return String.format(Locale.ROOT, "machine: %d CPUs (%s), %s, Redis %s (%s) on port %d, JDK %s (%s)",
				Runtime.getRuntime().availableProcessors(), cpu, System.getProperty("os.name"),
				field(info, "redis_version"), field(info, "executable"), redis.port(), Runtime.version(),
				System.getProperty("java.vm.name"));
	}

	private static String serverInfo(TestRedisServer redis) {
		RedisClient client = RedisClient.create();
		try (StatefulRedisConnection<String, String> connection = client
			.connect(RedisURI.create(redis.host(), redis.port()))) {
			return connection.sync().info("server");
		}
		finally {
			client.shutdown();
		}
	}

	private static String field(String info, String name) {
		return info.lines()
			.filter((line) -> line.startsWith(name + ":"))
			.map((line) -> line.substring(name.length() + 1).trim())
			.findFirst()
			.orElse("unknown");
	}

	/**
	 * A {@code redis-cli} on {@code PATH}, if there is one.
	 */
	private static Optional<Path> redisCli() {
		String path = System.getenv("PATH");
		if (path == null) {
			return Optional.empty();
		}
		for (String dir : path.split(File.pathSeparator)) {
			Path candidate = Path.of(dir, "redis-cli");
			if (Files.isExecutable(candidate)) {
				return Optional.of(candidate);
			}
		}
		return Optional.empty();
	}

}
