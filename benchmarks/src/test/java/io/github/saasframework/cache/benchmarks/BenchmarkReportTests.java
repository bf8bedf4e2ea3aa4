package io.github.saasframework.cache.benchmarks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The report reads what {@link NearCacheBenchmark} (as JMH writes it) and
 * {@link CoherenceLagHarness} (through {@link HarnessResults}) produce, under the names
 * they produce, and prints the near-cache ratios, summary lines and target checks.
 */
class BenchmarkReportTests {

	@TempDir
	Path dir;

	@Test
	void printsNearCacheRatiosAndTargets() throws IOException {
		String report = report(jmh(Map.of("T1.getNearImmutable", 2_000_000.0, "T1.getRedissonClientSideCaching",
				1_000_000.0, "T8.getNearImmutable", 3_000_000.0, "T8.getRedissonClientSideCaching", 4_000_000.0,
				"T1.getNearMutable", 600_000.0, "T1.getLettuce", 10_000.0, "T8.getNearMutable", 900_000.0,
				"T8.getLettuce", 30_000.0)), lag(0.8, 0, 0, 2.0), rewrites(0));
		assertThat(report).contains("ratio near.immutable.vs.redisson.csc.t1 2.000 ± ")
			.contains("ratio near.immutable.vs.redisson.csc.t8 0.750 ± ")
			.contains("ratio near.mutable.vs.lettuce.t1 60.00 ± ")
			.contains("ratio near.mutable.vs.lettuce.t8 30.00 ± ")
			.contains("target near.immutable.vs.redisson.csc.t1 >= 1: met (2.000)")
			.contains("target near.immutable.vs.redisson.csc.t8 >= 1: MISSED (0.750)")
			.contains("target near.mutable.vs.lettuce.t1 >= 50: met (60.000)")
			.contains("target near.mutable.vs.lettuce.t8 >= 50: MISSED (30.000)")
			.doesNotContain("skipped ratio near.");
	}

	@Test
	void printsCoherenceLinesAndTargets() throws IOException {
		String report = report(lag(0.8, 0, 0, 2.0), rewrites(0));
		assertThat(report)
			.contains("coherence ours p50 0.300 ms, p99 0.800 ms, max 1.500 ms over 1000 changes; 0 stale reads, "
					+ "0 stale after invalidation, 0 timeouts; 5000 reads from near-cache memory")
			.contains("coherence redisson p50 0.300 ms, p99 2.000 ms, max 1.500 ms over 1000 changes; 0 stale reads, "
					+ "n/a stale after invalidation, 0 timeouts")
			.contains("ratio coherence.p99.vs.redisson.csc 2.500 ± ")
			.contains("target coherence.p99.vs.redisson.csc >= 1: met (2.500)")
			.contains("target coherence.p99.ours <= 5 ms: met (0.800)")
			.contains("target coherence.stale.ours == 0: met (0)")
			.contains("target coherence.timeouts.ours == 0: met (0)")
			.contains("rewrites ours 900000 ± 0.000 ops/s (4 readers, hot key rewritten 100 times a second), "
					+ "0 stale reads")
			.contains("ratio rewrites.near.vs.redisson.csc 3.000 ± ")
			.contains("ratio rewrites.near.vs.lettuce 90.00 ± ")
			.contains("target rewrites.stale.ours == 0: met (0)");
	}

	@Test
	void staleReadsAndSlowLagMissTheirTargets() throws IOException {
		String report = report(lag(6.5, 2, 1, 3.0), rewrites(1));
		assertThat(report).contains("target coherence.p99.ours <= 5 ms: MISSED (6.500)")
			.contains("target rewrites.stale.ours == 0: MISSED (1)")
			.contains("target coherence.stale.ours == 0: MISSED (3)")
			.contains("target coherence.p99.vs.redisson.csc >= 1: MISSED (0.462)");
	}

	@Test
	void markdownHasCoherenceRows() throws IOException {
		Path markdown = this.dir.resolve("summary.md");
		BenchmarkReport.read(List.of(lag(0.8, 0, 0, 2.0))).writeMarkdown(markdown);
		assertThat(Files.readString(markdown)).contains("| p99 `coherence.lag.ours.ms` | 0.800 ms")
			.contains("| ≤ 5 ✔ |")
			.contains("| p99 `coherence.lag.redisson.ms` | 2.000 ms");
	}

	private String report(Path... files) throws IOException {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		BenchmarkReport.read(List.of(files)).print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
		return bytes.toString(StandardCharsets.UTF_8);
	}

	/** A JMH JSON result file of NearCacheBenchmark methods with the given scores. */
	private Path jmh(Map<String, Double> scores) throws IOException {
		JsonMapper mapper = JsonMapper.builder().build();
		ArrayNode results = mapper.createArrayNode();
		scores.forEach((name, score) -> {
			ObjectNode result = results.addObject();
			result.put("benchmark", NearCacheBenchmark.class.getName() + "." + name);
			result.put("mode", "thrpt");
			result.put("threads", name.startsWith("T8") ? 8 : 1);
			ObjectNode primary = result.putObject("primaryMetric");
			primary.put("score", score);
			primary.put("scoreError", score / 100);
			primary.put("scoreUnit", "ops/s");
		});
		Path file = this.dir.resolve("jmh-nearcache.json");
		mapper.writeValue(file.toFile(), results);
		return file;
	}

	/** Lag results written as CoherenceLagHarness writes them. */
	private Path lag(double oursP99, double stale, double staleAfterInvalidation, double redissonP99)
			throws IOException {
		Map<String, List<double[]>> samples = new LinkedHashMap<>();
		samples.put("ours",
				List.<double[]>of(new double[] { oursP99, 0.3, 1.5, stale, staleAfterInvalidation, 0, 1000, 5000 }));
		samples.put("redisson", List.<double[]>of(new double[] { redissonP99, 0.3, 1.5, 0, -1, 0, 1000, -1 }));
		Path file = this.dir.resolve("coherencelag.json");
		CoherenceLagHarness.lagResults().write(samples, file);
		return file;
	}

	/** Throughput results written as CoherenceLagHarness writes them. */
	private Path rewrites(double oursStale) throws IOException {
		Map<String, List<double[]>> samples = new LinkedHashMap<>();
		samples.put("rewrites.ours", List.<double[]>of(new double[] { 900_000, 100, oursStale }));
		samples.put("rewrites.redisson", List.<double[]>of(new double[] { 300_000, 100, 0 }));
		samples.put("rewrites.lettuce", List.<double[]>of(new double[] { 10_000, 100, 0 }));
		Path file = this.dir.resolve("hotkeyrewrites.json");
		CoherenceLagHarness.rewriteResults().write(samples, file);
		return file;
	}

}
