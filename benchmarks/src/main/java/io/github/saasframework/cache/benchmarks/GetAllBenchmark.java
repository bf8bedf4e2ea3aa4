package io.github.saasframework.cache.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.infra.Blackhole;

/**
 * {@code getAll} of 100 and 1000 keys (one {@code MGET}) against as many sequential
 * {@code get} calls, one thread. One operation reads all the keys.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@State(Scope.Benchmark)
public class GetAllBenchmark {

	@Param({ "100", "1000" })
	public int size;

	private List<String> keys;

	@Setup(Level.Trial)
	public void setUp(Contenders.Ours ours) {
		this.keys = new ArrayList<>(this.size);
		Map<String, Payload> items = new LinkedHashMap<>();
		for (int i = 0; i < this.size; i++) {
			String key = "getall:" + i;
			this.keys.add(key);
			items.put(key, ours.payload);
		}
		ours.cache.setAll(items, Connections.TTL);
		if (ours.cache.getAll(this.keys, Payload.class).size() != this.size) {
			throw new IllegalStateException("getAll did not find all " + this.size + " keys");
		}
	}

	@Benchmark
	public Map<String, Payload> getAll(Contenders.Ours ours) {
		return ours.cache.getAll(this.keys, Payload.class);
	}

	@Benchmark
	public void sequential(Contenders.Ours ours, Blackhole blackhole) {
		for (String key : this.keys) {
			blackhole.consume(ours.cache.get(key, Payload.class));
		}
	}

}
