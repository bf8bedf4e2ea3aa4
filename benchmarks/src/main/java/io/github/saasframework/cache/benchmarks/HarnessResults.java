package io.github.saasframework.cache.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes what a harness measured over several runs in JMH's JSON result format, so
 * {@link BenchmarkReport} reads it like a JMH result: one entry per scenario, the mean of
 * the runs as the score and their standard deviation as the error. Each run is an array
 * of values: the primary metric first, then the secondary ones in the order named.
 */
final class HarnessResults {

	private final String name;

	private final String mode;

	private final String primaryUnit;

	private final Map<String, String> secondaryUnits = new LinkedHashMap<>();

	HarnessResults(String name, String mode, String primaryUnit) {
		this.name = name;
		this.mode = mode;
		this.primaryUnit = primaryUnit;
	}

	/** Names the next value of each run as a secondary metric. */
	HarnessResults secondary(String metric, String unit) {
		this.secondaryUnits.put(metric, unit);
		return this;
	}

	void write(Map<String, List<double[]>> samples, Path out) throws IOException {
		JsonMapper mapper = JsonMapper.builder().build();
		ArrayNode results = mapper.createArrayNode();
		for (Map.Entry<String, List<double[]>> entry : samples.entrySet()) {
			List<double[]> runs = entry.getValue();
			ObjectNode result = results.addObject();
			result.put("benchmark", this.name + "." + entry.getKey());
			result.put("mode", this.mode);
			result.put("threads", 1);
			result.put("forks", 1);
			result.put("measurementIterations", runs.size());
			result.set("primaryMetric", metric(mapper, runs, 0, this.primaryUnit));
			ObjectNode secondary = result.putObject("secondaryMetrics");
			int index = 1;
			for (Map.Entry<String, String> metric : this.secondaryUnits.entrySet()) {
				secondary.set(metric.getKey(), metric(mapper, runs, index++, metric.getValue()));
			}
		}
		Files.createDirectories(out.toAbsolutePath().getParent());
		mapper.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), results);
	}

	private static ObjectNode metric(JsonMapper mapper, List<double[]> runs, int index, String unit) {
		double[] values = runs.stream().mapToDouble((run) -> run[index]).toArray();
		double mean = Arrays.stream(values).average().orElse(Double.NaN);
		double variance = (values.length > 1)
				? Arrays.stream(values).map((v) -> (v - mean) * (v - mean)).sum() / (values.length - 1) : 0;
		ObjectNode metric = mapper.createObjectNode();
		metric.put("score", mean);
		metric.put("scoreError", Math.sqrt(variance));
		metric.put("scoreUnit", unit);
		ArrayNode raw = metric.putArray("rawData").addArray();
		Arrays.stream(values).forEach(raw::add);
		return metric;
	}

}
