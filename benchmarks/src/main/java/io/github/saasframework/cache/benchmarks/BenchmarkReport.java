package io.github.saasframework.cache.benchmarks;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads JMH JSON result files ({@code -rf json -rff ...}, and the file of
 * {@link DeleteByPatternHarness} in the same format), prints the raw scores, one
 * {@code ratio <name> <value> ± <error>} line per comparison (ours ÷ baseline for
 * throughput, baseline ÷ ours for times: higher is better for us either way) and the
 * target checks, and writes an SVG bar chart of the ratios with a 1.0 line and,
 * optionally, a Markdown table.
 * <p>
 * Usage: {@code BenchmarkReport [--svg file] [--markdown file] result.json...}
 */
public final class BenchmarkReport {

	private static final String PACKAGE = BenchmarkReport.class.getPackageName() + ".";

	/** The comparisons: name, our benchmark, the baseline, the target (NaN: none). */
	static final List<Comparison> COMPARISONS = List.of(
			new Comparison("get.vs.lettuce.t1", "GetSetBenchmark.T1.getOurs", "GetSetBenchmark.T1.getLettuce", 0.95),
			new Comparison("get.vs.lettuce.t8", "GetSetBenchmark.T8.getOurs", "GetSetBenchmark.T8.getLettuce", 0.95),
			new Comparison("set.vs.lettuce.t1", "GetSetBenchmark.T1.setOurs", "GetSetBenchmark.T1.setLettuce", 0.95),
			new Comparison("set.vs.lettuce.t8", "GetSetBenchmark.T8.setOurs", "GetSetBenchmark.T8.setLettuce", 0.95),
			new Comparison("get.vs.springcache.t1", "GetSetBenchmark.T1.getOurs", "GetSetBenchmark.T1.getSpringCache",
					1.0),
			new Comparison("get.vs.springcache.t8", "GetSetBenchmark.T8.getOurs", "GetSetBenchmark.T8.getSpringCache",
					1.0),
			new Comparison("set.vs.springcache.t1", "GetSetBenchmark.T1.setOurs", "GetSetBenchmark.T1.setSpringCache",
					1.0),
			new Comparison("set.vs.springcache.t8", "GetSetBenchmark.T8.setOurs", "GetSetBenchmark.T8.setSpringCache",
					1.0),
			new Comparison("get.vs.redisson.t1", "GetSetBenchmark.T1.getOurs", "GetSetBenchmark.T1.getRedisson",
					Double.NaN),
			new Comparison("get.vs.redisson.t8", "GetSetBenchmark.T8.getOurs", "GetSetBenchmark.T8.getRedisson", 1.5),
			new Comparison("set.vs.redisson.t1", "GetSetBenchmark.T1.setOurs", "GetSetBenchmark.T1.setRedisson",
					Double.NaN),
			new Comparison("set.vs.redisson.t8", "GetSetBenchmark.T8.setOurs", "GetSetBenchmark.T8.setRedisson", 1.5),
			new Comparison("async.get.vs.lettuce.t1", "AsyncBenchmark.getOurs", "AsyncBenchmark.getLettuce", 1.0),
			new Comparison("async.set.vs.lettuce.t1", "AsyncBenchmark.setOurs", "AsyncBenchmark.setLettuce", 1.0),
			new Comparison("cacheable.hit.vs.springcache.t1", "SpringCacheBenchmark.T1.cacheableOurs",
					"SpringCacheBenchmark.T1.cacheableSpring", 1.0),
			new Comparison("cacheable.hit.vs.springcache.t8", "SpringCacheBenchmark.T8.cacheableOurs",
					"SpringCacheBenchmark.T8.cacheableSpring", 1.0),
			new Comparison("reactive.get.vs.template.t1", "ReactiveBenchmark.getOurs", "ReactiveBenchmark.getTemplate",
					1.0),
			new Comparison("reactive.set.vs.template.t1", "ReactiveBenchmark.setOurs", "ReactiveBenchmark.setTemplate",
					1.0),
			new Comparison("cacheable.mono.hit.vs.springcache.t1", "SpringCacheBenchmark.T1.cacheableMonoOurs",
					"SpringCacheBenchmark.T1.cacheableMonoSpring", 1.0),
			new Comparison("cacheable.mono.hit.vs.springcache.t8", "SpringCacheBenchmark.T8.cacheableMonoOurs",
					"SpringCacheBenchmark.T8.cacheableMonoSpring", 1.0),
			new Comparison("remember.hit.vs.get", "RememberBenchmark.rememberHit", "RememberBenchmark.get", Double.NaN),
			new Comparison("getall100.vs.sequential", "GetAllBenchmark.getAll[size=100]",
					"GetAllBenchmark.sequential[size=100]", Double.NaN),
			new Comparison("getall1000.vs.sequential", "GetAllBenchmark.getAll[size=1000]",
					"GetAllBenchmark.sequential[size=1000]", Double.NaN),
			new Comparison("getall100.vs.lettuce", "GetAllBenchmark.getAll[size=100]",
					"GetAllBenchmark.lettuce[size=100]", Double.NaN),
			new Comparison("getall1000.vs.lettuce", "GetAllBenchmark.getAll[size=1000]",
					"GetAllBenchmark.lettuce[size=1000]", 0.95),
			new Comparison("getall100.vs.redisson", "GetAllBenchmark.getAll[size=100]",
					"GetAllBenchmark.redisson[size=100]", Double.NaN),
			new Comparison("getall1000.vs.redisson", "GetAllBenchmark.getAll[size=1000]",
					"GetAllBenchmark.redisson[size=1000]", 1.0),
			new Comparison("lock.vs.redisson.t1", "LockBenchmark.T1.lockOurs", "LockBenchmark.T1.lockRedisson", 1.2),
			new Comparison("lock.vs.redisson.t8", "LockBenchmark.T8.lockOurs", "LockBenchmark.T8.lockRedisson",
					Double.NaN),
			new Comparison("lock.vs.registry.t1", "LockBenchmark.T1.lockOurs", "LockBenchmark.T1.lockRegistry",
					Double.NaN),
			new Comparison("lock.vs.registry.t8", "LockBenchmark.T8.lockOurs", "LockBenchmark.T8.lockRegistry",
					Double.NaN),
			new Comparison("handoff.p50.vs.redisson", "LockHandOffHarness.ours", "LockHandOffHarness.redisson", 1.0),
			new Comparison("handoff.p50.vs.registry.pubsub", "LockHandOffHarness.ours", "LockHandOffHarness.registry",
					1.0),
			new Comparison("deletebypattern.vs.lettuce", "DeleteByPatternHarness.ours",
					"DeleteByPatternHarness.lettuce", 0.9),
			new Comparison("deletebypattern.vs.cli", "DeleteByPatternHarness.ours", "DeleteByPatternHarness.cli",
					Double.NaN),
			new Comparison("deletebypattern.vs.keysdel", "DeleteByPatternHarness.ours",
					"DeleteByPatternHarness.keysdel", Double.NaN),
			// p99 of remember on a key whose TTL keeps running out: within 2x of a plain
			// hit
			// with refresh-ahead
			new Comparison("refreshahead.p99.vs.hit", "RefreshAheadHarness.refreshAhead", "RefreshAheadHarness.hit",
					0.5),
			new Comparison("refreshahead.p99.vs.expiring", "RefreshAheadHarness.refreshAhead",
					"RefreshAheadHarness.expiring", Double.NaN),
			new Comparison("expiring.p99.vs.hit", "RefreshAheadHarness.expiring", "RefreshAheadHarness.hit",
					Double.NaN),
			// near cache: a hit of ours against Redisson's client-side caching (both from
			// memory) and against a round trip + decode of raw Lettuce
			new Comparison("near.immutable.vs.redisson.csc.t1", "NearCacheBenchmark.T1.getNearImmutable",
					"NearCacheBenchmark.T1.getRedissonClientSideCaching", 1.0),
			new Comparison("near.immutable.vs.redisson.csc.t8", "NearCacheBenchmark.T8.getNearImmutable",
					"NearCacheBenchmark.T8.getRedissonClientSideCaching", 1.0),
			new Comparison("near.mutable.vs.lettuce.t1", "NearCacheBenchmark.T1.getNearMutable",
					"NearCacheBenchmark.T1.getLettuce", 50),
			new Comparison("near.mutable.vs.lettuce.t8", "NearCacheBenchmark.T8.getNearMutable",
					"NearCacheBenchmark.T8.getLettuce", 50),
			// p99 of the time from another client's SET to the first read of the new
			// value: Redisson's ÷ ours, so at or above 1 when ours is at or below theirs
			new Comparison("coherence.p99.vs.redisson.csc", CoherenceLagHarness.NAME + ".ours",
					CoherenceLagHarness.NAME + ".redisson", 1.0),
			new Comparison("rewrites.near.vs.redisson.csc", CoherenceLagHarness.NAME + ".rewrites.ours",
					CoherenceLagHarness.NAME + ".rewrites.redisson", Double.NaN),
			new Comparison("rewrites.near.vs.lettuce", CoherenceLagHarness.NAME + ".rewrites.ours",
					CoherenceLagHarness.NAME + ".rewrites.lettuce", Double.NaN));

	/** Upper bound of the p99 coherence lag of ours, in ms. */
	static final double COHERENCE_P99_MS = 5;

	/**
	 * GET latency during each deletion: printed name, result, the upper bound (NaN:
	 * none).
	 */
	private static final List<String[]> LATENCIES = List.of(
			new String[] { "get.during.deletebypattern.ms", "DeleteByPatternHarness.ours", "5" },
			new String[] { "get.during.lettuceloop.ms", "DeleteByPatternHarness.lettuce", "" },
			new String[] { "get.during.cli.ms", "DeleteByPatternHarness.cli", "" },
			new String[] { "get.during.keysdel.ms", "DeleteByPatternHarness.keysdel", "" });

	private final Map<String, Result> results;

	BenchmarkReport(Map<String, Result> results) {
		this.results = results;
	}

	/**
	 * Prints the report of result files and writes the chart.
	 * @param args {@code [--svg file] [--markdown file] result.json...}
	 * @throws IOException if a file cannot be read or written
	 */
	public static void main(String[] args) throws IOException {
		Path svg = null;
		Path markdown = null;
		List<Path> files = new ArrayList<>();
		for (int i = 0; i < args.length; i++) {
			switch (args[i]) {
				case "--svg" -> svg = Path.of(args[++i]);
				case "--markdown" -> markdown = Path.of(args[++i]);
				default -> files.add(Path.of(args[i]));
			}
		}
		BenchmarkReport report = read(files);
		report.print(System.out);
		if (svg != null) {
			report.writeSvg(svg);
			System.out.println("chart written to " + svg);
		}
		if (markdown != null) {
			report.writeMarkdown(markdown);
			System.out.println("table written to " + markdown);
		}
	}

	/**
	 * Reads result files; a later file's result replaces an earlier one of the same name
	 * (so a rerun of some benchmarks can be merged into a full run).
	 * @param files JMH JSON result files
	 * @return the report
	 * @throws IOException if a file cannot be read
	 */
	static BenchmarkReport read(List<Path> files) throws IOException {
		JsonMapper mapper = JsonMapper.builder().build();
		Map<String, Result> results = new LinkedHashMap<>();
		for (Path file : files) {
			if (!Files.exists(file)) {
				continue;
			}
			for (JsonNode node : mapper.readTree(file.toFile())) {
				String name = node.get("benchmark").asString();
				if (name.startsWith(PACKAGE)) {
					name = name.substring(PACKAGE.length());
				}
				JsonNode params = node.get("params");
				if (params != null && !params.isEmpty()) {
					Map<String, String> sorted = new TreeMap<>();
					params.properties().forEach((entry) -> sorted.put(entry.getKey(), entry.getValue().asString()));
					StringBuilder suffix = new StringBuilder();
					sorted.forEach((key, value) -> suffix.append((suffix.length() == 0) ? "" : ",")
						.append(key)
						.append('=')
						.append(value));
					name = name + "[" + suffix + "]";
				}
				Map<String, Metric> secondary = new LinkedHashMap<>();
				JsonNode secondaryNode = node.get("secondaryMetrics");
				if (secondaryNode != null) {
					secondaryNode.properties()
						.forEach((entry) -> secondary.put(entry.getKey(), metric(entry.getValue())));
				}
				results.put(name, new Result(name, node.get("mode").asString(), node.get("threads").asInt(),
						metric(node.get("primaryMetric")), secondary));
			}
		}
		return new BenchmarkReport(results);
	}

	private static Metric metric(JsonNode node) {
		double error = node.path("scoreError").asDouble(Double.NaN);
		return new Metric(node.get("score").asDouble(), error, node.path("scoreUnit").asString(""));
	}

	void print(PrintStream out) {
		out.println();
		out.println("# scores (JMH: ± 99.9 % confidence interval; DeleteByPatternHarness: ± standard deviation)");
		for (Result result : this.results.values()) {
			out.printf(Locale.ROOT, "score %s t%d %s %s%n", result.name(), result.threads(),
					format(result.primary().score(), result.primary().error()), result.primary().unit());
		}
		out.println();
		out.println("# ratios (ours ÷ baseline for throughput, baseline ÷ ours for times: higher is better for us)");
		List<Ratio> ratios = ratios();
		for (Ratio ratio : ratios) {
			out.printf(Locale.ROOT, "ratio %s %s%n", ratio.comparison().name(), format(ratio.value(), ratio.error()));
		}
		for (Comparison comparison : COMPARISONS) {
			if (!this.results.containsKey(comparison.ours()) || !this.results.containsKey(comparison.baseline())) {
				out.printf("skipped ratio %s: no result for %s%n", comparison.name(),
						this.results.containsKey(comparison.ours()) ? comparison.baseline() : comparison.ours());
			}
		}
		for (String[] latency : LATENCIES) {
			Result result = this.results.get(latency[1]);
			if (result != null && result.secondary().containsKey("get.p99")) {
				Metric p99 = result.secondary().get("get.p99");
				out.printf(Locale.ROOT, "p99 %s %s%n", latency[0], format(p99.score(), p99.error()));
			}
			if (result != null && result.secondary().containsKey("server.max")) {
				Metric server = result.secondary().get("server.max");
				out.printf(Locale.ROOT, "max server.%s %s%n", latency[0].replace("get.during", "stall.during"),
						format(server.score(), server.error()));
			}
		}
		Result stampedeOurs = this.results.get("StampedeHarness.ours");
		Result stampedeSpring = this.results.get("StampedeHarness.spring");
		if (stampedeOurs != null) {
			out.printf(Locale.ROOT, "loads stampede.sync.2x100 ours %s, Spring's RedisCacheManager %s%n",
					loads(stampedeOurs), (stampedeSpring != null) ? loads(stampedeSpring) : "not run");
		}
		for (String contender : List.of("ours", "redisson", "registry")) {
			Result handOff = this.results.get("LockHandOffHarness." + contender);
			if (handOff != null) {
				out.printf(Locale.ROOT, "handoff %s p50 %.2f ms, p90 %.2f ms, p99 %.2f ms%n", contender,
						handOff.primary().score(), secondary(handOff, "handoff.p90"),
						secondary(handOff, "handoff.p99"));
			}
		}
		Result fairness = this.results.get("LockHandOffHarness.fairness");
		if (fairness != null) {
			out.printf(Locale.ROOT, "fairness ours (8 threads x 2 instances): longest wait = %.1f x mean wait%n",
					fairness.primary().score());
		}
		for (String contender : List.of("ours", "redisson")) {
			Result lag = this.results.get(CoherenceLagHarness.NAME + "." + contender);
			if (lag != null) {
				double nearHits = secondary(lag, "nearHits");
				out.printf(Locale.ROOT,
						"coherence %s p50 %.3f ms, p99 %.3f ms, max %.3f ms over %.0f changes; %.0f stale reads, "
								+ "%s stale after invalidation, %.0f timeouts%s%n",
						contender, secondary(lag, "p50"), lag.primary().score(), secondary(lag, "max"),
						secondary(lag, "changes"), secondary(lag, "stale"),
						count(secondary(lag, "staleAfterInvalidation")), secondary(lag, "timeouts"), (nearHits >= 0)
								? String.format(Locale.ROOT, "; %.0f reads from near-cache memory", nearHits) : "");
			}
		}
		for (String contender : List.of("ours", "redisson", "lettuce")) {
			Result rewrites = this.results.get(CoherenceLagHarness.NAME + ".rewrites." + contender);
			if (rewrites != null) {
				out.printf(Locale.ROOT,
						"rewrites %s %s ops/s (%d readers, hot key rewritten %.0f times a second), %.0f stale reads%n",
						contender, format(rewrites.primary().score(), rewrites.primary().error()),
						CoherenceLagHarness.READERS, secondary(rewrites, "rewrites"), secondary(rewrites, "stale"));
			}
		}
		out.println();
		out.println("# targets");
		if (stampedeOurs != null) {
			double most = stampedeOurs.primary().score();
			out.printf(Locale.ROOT, "target stampede.sync.2x100 loads == 1: %s (%s)%n",
					(most == 1 && loadsMin(stampedeOurs) == 1) ? "met" : "MISSED", loads(stampedeOurs));
		}
		for (Ratio ratio : ratios) {
			double target = ratio.comparison().target();
			if (!Double.isNaN(target)) {
				out.printf(Locale.ROOT, "target %s >= %s: %s (%.3f)%n", ratio.comparison().name(), trim(target),
						(ratio.value() >= target) ? "met" : "MISSED", ratio.value());
			}
		}
		Result lag = this.results.get(CoherenceLagHarness.NAME + ".ours");
		if (lag != null) {
			double p99 = lag.primary().score();
			out.printf(Locale.ROOT, "target coherence.p99.ours <= %s ms: %s (%.3f)%n", trim(COHERENCE_P99_MS),
					(p99 <= COHERENCE_P99_MS) ? "met" : "MISSED", p99);
			double stale = secondary(lag, "stale") + Math.max(0, secondary(lag, "staleAfterInvalidation"));
			out.printf(Locale.ROOT, "target coherence.stale.ours == 0: %s (%.0f)%n", (stale == 0) ? "met" : "MISSED",
					stale);
			double timeouts = secondary(lag, "timeouts");
			out.printf(Locale.ROOT, "target coherence.timeouts.ours == 0: %s (%.0f)%n",
					(timeouts == 0) ? "met" : "MISSED", timeouts);
		}
		Result rewrites = this.results.get(CoherenceLagHarness.NAME + ".rewrites.ours");
		if (rewrites != null) {
			double stale = secondary(rewrites, "stale");
			out.printf(Locale.ROOT, "target rewrites.stale.ours == 0: %s (%.0f)%n", (stale == 0) ? "met" : "MISSED",
					stale);
		}
		for (String[] latency : LATENCIES) {
			Result result = this.results.get(latency[1]);
			if (!latency[2].isEmpty() && result != null && result.secondary().containsKey("get.p99")) {
				double p99 = result.secondary().get("get.p99").score();
				double bound = Double.parseDouble(latency[2]);
				out.printf(Locale.ROOT, "target p99 %s < %s: %s (%.3f)%n", latency[0], latency[2],
						(p99 < bound) ? "met" : "MISSED", p99);
			}
		}
	}

	private static String loads(Result result) {
		long most = Math.round(result.primary().score());
		long fewest = Math.round(loadsMin(result));
		return (most == fewest) ? most + " loads" : fewest + "-" + most + " loads";
	}

	private static double loadsMin(Result result) {
		Metric min = result.secondary().get("min");
		return (min != null) ? min.score() : result.primary().score();
	}

	private static String count(double value) {
		return (value < 0) ? "n/a" : String.format(Locale.ROOT, "%.0f", value);
	}

	private static double secondary(Result result, String name) {
		Metric metric = result.secondary().get(name);
		return (metric != null) ? metric.score() : Double.NaN;
	}

	List<Ratio> ratios() {
		List<Ratio> ratios = new ArrayList<>();
		for (Comparison comparison : COMPARISONS) {
			Result ours = this.results.get(comparison.ours());
			Result baseline = this.results.get(comparison.baseline());
			if (ours == null || baseline == null) {
				continue;
			}
			Metric a = ours.primary();
			Metric b = baseline.primary();
			boolean time = !ours.mode().equals("thrpt");
			double value = time ? b.score() / a.score() : a.score() / b.score();
			double relative = Math.sqrt(square(relative(a)) + square(relative(b)));
			ratios.add(new Ratio(comparison, value, value * relative));
		}
		return ratios;
	}

	void writeSvg(Path file) throws IOException {
		List<Ratio> ratios = ratios();
		int rowHeight = 26;
		int left = 210;
		int plotWidth = 560;
		int top = 50;
		int height = top + ratios.size() * rowHeight + 50;
		int width = left + plotWidth + 130;
		double min = 0.05;
		double max = 2;
		for (Ratio ratio : ratios) {
			max = Math.max(max, (ratio.value() + ratio.error()) * 1.2);
		}
		double lmin = Math.log10(min);
		double lmax = Math.log10(max);
		StringBuilder svg = new StringBuilder();
		svg.append(String.format(Locale.ROOT,
				"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
						+ "font-family=\"sans-serif\" font-size=\"12\">%n",
				width, height, width, height));
		svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", width, height));
		svg.append(String.format(Locale.ROOT,
				"<text x=\"%d\" y=\"22\" font-size=\"15\" font-weight=\"bold\">Ours ÷ baseline "
						+ "(higher is better; log scale; whiskers: error)</text>%n",
				left));
		double[] ticks = { 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000 };
		int plotBottom = top + ratios.size() * rowHeight;
		for (double tick : ticks) {
			if (tick < min || tick > max) {
				continue;
			}
			double x = left + (Math.log10(tick) - lmin) / (lmax - lmin) * plotWidth;
			boolean one = tick == 1;
			svg.append(String.format(Locale.ROOT,
					"<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" stroke-width=\"%s\"%s/>%n", x,
					top - 6, x, plotBottom, one ? "#222" : "#ddd", one ? "2" : "1",
					one ? "" : " stroke-dasharray=\"3,3\""));
			svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\"%s>%s</text>%n", x,
					plotBottom + 16, one ? " font-weight=\"bold\"" : "", trim(tick)));
		}
		for (int i = 0; i < ratios.size(); i++) {
			Ratio ratio = ratios.get(i);
			double y = top + i * rowHeight;
			double target = ratio.comparison().target();
			boolean missed = !Double.isNaN(target) && ratio.value() < target;
			String color = missed ? "#d9534f" : ((ratio.value() >= 1) ? "#5cb85c" : "#f0ad4e");
			double x0 = left + (Math.log10(min) - lmin) / (lmax - lmin) * plotWidth;
			double x = left + (Math.log10(Math.max(min, ratio.value())) - lmin) / (lmax - lmin) * plotWidth;
			svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", left - 8,
					y + 16, ratio.comparison().name()));
			svg.append(String.format(Locale.ROOT,
					"<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>%n", x0, y + 4,
					Math.max(1, x - x0), rowHeight - 8, color));
			double lo = Math.max(min, ratio.value() - ratio.error());
			double hi = Math.max(min, ratio.value() + ratio.error());
			double xlo = left + (Math.log10(lo) - lmin) / (lmax - lmin) * plotWidth;
			double xhi = left + (Math.log10(hi) - lmin) / (lmax - lmin) * plotWidth;
			svg.append(String.format(Locale.ROOT,
					"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333\"/>%n", xlo, y + 13, xhi,
					y + 13));
			if (!Double.isNaN(target)) {
				double xt = left + (Math.log10(target) - lmin) / (lmax - lmin) * plotWidth;
				svg.append(String.format(Locale.ROOT,
						"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#1f4e9c\" stroke-width=\"2\"/>%n",
						xt, y + 1, xt, y + rowHeight - 1));
			}
			svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\">%s</text>%n", left + plotWidth + 8, y + 16,
					format(ratio.value(), ratio.error())));
		}
		svg.append(String.format(Locale.ROOT,
				"<text x=\"%d\" y=\"%d\" fill=\"#555\">green: ≥ 1; orange: below 1; red: below its target "
						+ "(blue tick)</text>%n",
				left, plotBottom + 36));
		svg.append("</svg>\n");
		Path parent = file.toAbsolutePath().getParent();
		if (parent != null) {
			Files.createDirectories(parent);
		}
		Files.writeString(file, svg.toString());
	}

	void writeMarkdown(Path file) throws IOException {
		StringBuilder md = new StringBuilder();
		md.append("| comparison | ours | baseline | ratio | target |\n|---|---|---|---|---|\n");
		for (Ratio ratio : ratios()) {
			Comparison comparison = ratio.comparison();
			Result ours = this.results.get(comparison.ours());
			Result baseline = this.results.get(comparison.baseline());
			md.append(String.format(Locale.ROOT, "| `%s` | %s | %s | **%s** | %s |%n", comparison.name(), cell(ours),
					cell(baseline), format(ratio.value(), ratio.error()), Double.isNaN(comparison.target()) ? "" : "≥ "
							+ trim(comparison.target()) + ((ratio.value() >= comparison.target()) ? " ✔" : " ✘")));
		}
		for (String[] latency : LATENCIES) {
			Result result = this.results.get(latency[1]);
			if (result != null && result.secondary().containsKey("get.p99")) {
				Metric p99 = result.secondary().get("get.p99");
				md.append(String.format(Locale.ROOT, "| p99 `%s` | %s ms | | | %s |%n", latency[0],
						format(p99.score(), p99.error()), latency[2].isEmpty() ? ""
								: "< " + latency[2] + ((p99.score() < Double.parseDouble(latency[2])) ? " ✔" : " ✘")));
			}
		}
		for (String contender : List.of("ours", "redisson")) {
			Result lag = this.results.get(CoherenceLagHarness.NAME + "." + contender);
			if (lag != null) {
				boolean ours = contender.equals("ours");
				md.append(String.format(Locale.ROOT,
						"| p99 `coherence.lag.%s.ms` | %s ms (p50 %s, max %s; %.0f stale, %.0f timeouts) | | | %s |%n",
						contender, number(lag.primary().score()), number(secondary(lag, "p50")),
						number(secondary(lag, "max")), secondary(lag, "stale"), secondary(lag, "timeouts"),
						ours ? "≤ " + trim(COHERENCE_P99_MS)
								+ ((lag.primary().score() <= COHERENCE_P99_MS) ? " ✔" : " ✘") : ""));
			}
		}
		Path parent = file.toAbsolutePath().getParent();
		if (parent != null) {
			Files.createDirectories(parent);
		}
		Files.writeString(file, md.toString());
	}

	private static String cell(Result result) {
		return String.format(Locale.ROOT, "%s %s", format(result.primary().score(), result.primary().error()),
				result.primary().unit());
	}

	private static double relative(Metric metric) {
		return (Double.isNaN(metric.error()) || metric.score() == 0) ? 0 : metric.error() / metric.score();
	}

	private static double square(double value) {
		return value * value;
	}

	static String format(double value, double error) {
		return number(value) + " ± " + number(error);
	}

	private static String number(double value) {
		if (Double.isNaN(value)) {
			return "NaN";
		}
		double abs = Math.abs(value);
		if (abs >= 1000) {
			return String.format(Locale.ROOT, "%.0f", value);
		}
		if (abs >= 100) {
			return String.format(Locale.ROOT, "%.1f", value);
		}
		if (abs >= 10) {
			return String.format(Locale.ROOT, "%.2f", value);
		}
		return String.format(Locale.ROOT, "%.3f", value);
	}

	private static String trim(double value) {
		return (value == Math.rint(value)) ? String.valueOf((long) value) : String.valueOf(value);
	}

	record Comparison(String name, String ours, String baseline, double target) {
	}

	record Metric(double score, double error, String unit) {
	}

	record Result(String name, String mode, int threads, Metric primary, Map<String, Metric> secondary) {
	}

	record Ratio(Comparison comparison, double value, double error) {
	}

}
