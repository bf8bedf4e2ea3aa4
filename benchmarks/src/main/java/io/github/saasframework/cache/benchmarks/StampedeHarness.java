package io.github.saasframework.cache.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * The stampede: two Spring Boot applications × 100 callers of one
 * {@code @Cacheable(sync = true)} method (a 200 ms load) on one cold key, released at
 * once; counts how many times the method ran in both together. Once on this library's
 * {@code CacheManager} (target: exactly 1), once on Spring's {@code RedisCacheManager}.
 * <p>
 * Results go to a file in JMH's JSON format (mode {@code ss}, unit {@code loads}; the
 * score is the most loads of any repetition, {@code min} the fewest) so that
 * {@link BenchmarkReport} reads them like the JMH results.
 */
public final class StampedeHarness {

	/** Benchmark name prefix in the results. */
	public static final String NAME = StampedeHarness.class.getName();

	private static final int CALLERS_PER_APPLICATION = 100;

	private static final Duration LOAD_TIME = Duration.ofMillis(200);

	/**
	 * Runs both contenders {@code repetitions} times (each with a fresh key) and writes
	 * the results.
	 * @param repetitions how many stampedes per contender
	 * @param out the JSON file to write
	 * @throws Exception if a run fails
	 */
	public void run(int repetitions, Path out) throws Exception {
		Map<String, Function<Duration, ConfigurableApplicationContext>> contenders = new LinkedHashMap<>();
		contenders.put("ours", SpringCacheApps::ours);
		contenders.put("spring", SpringCacheApps::spring);
		List<Map<String, Object>> results = new ArrayList<>();
		for (Map.Entry<String, Function<Duration, ConfigurableApplicationContext>> contender : contenders.entrySet()) {
			int most = 0;
			int fewest = Integer.MAX_VALUE;
			try (ConfigurableApplicationContext first = contender.getValue().apply(LOAD_TIME);
					ConfigurableApplicationContext second = contender.getValue().apply(LOAD_TIME)) {
				for (int rep = 0; rep < repetitions; rep++) {
					int loads = stampede(first, second, "stampede-" + UUID.randomUUID());
					System.out.printf(Locale.ROOT, "stampede %-6s run %d: %d loads for 2 x %d callers%n",
							contender.getKey(), rep + 1, loads, CALLERS_PER_APPLICATION);
					most = Math.max(most, loads);
					fewest = Math.min(fewest, loads);
				}
			}
			results.add(Map.of("benchmark", NAME + "." + contender.getKey(), "mode", "ss", "threads",
					2 * CALLERS_PER_APPLICATION, "primaryMetric",
					Map.of("score", most, "scoreError", "NaN", "scoreUnit", "loads"), "secondaryMetrics",
					Map.of("min", Map.of("score", fewest, "scoreError", "NaN", "scoreUnit", "loads"))));
		}
		Files.writeString(out, JsonMapper.builder().build().writeValueAsString(results));
	}

	private static int stampede(ConfigurableApplicationContext first, ConfigurableApplicationContext second, String key)
			throws Exception {
		SpringCacheApps.Payloads one = first.getBean(SpringCacheApps.Payloads.class);
		SpringCacheApps.Payloads two = second.getBean(SpringCacheApps.Payloads.class);
		int before = one.loads() + two.loads();
		ExecutorService callers = Executors.newFixedThreadPool(2 * CALLERS_PER_APPLICATION);
		try {
			CountDownLatch go = new CountDownLatch(1);
			List<Future<Payload>> results = new ArrayList<>();
			for (int i = 0; i < 2 * CALLERS_PER_APPLICATION; i++) {
				SpringCacheApps.Payloads payloads = (i % 2 == 0) ? one : two;
				results.add(callers.submit(() -> {
					go.await();
					return payloads.load(key);
				}));
			}
			go.countDown();
			for (Future<Payload> result : results) {
				Contenders.check(result.get(60, TimeUnit.SECONDS));
			}
		}
		finally {
			callers.shutdownNow();
		}
		return one.loads() + two.loads() - before;
	}

}
