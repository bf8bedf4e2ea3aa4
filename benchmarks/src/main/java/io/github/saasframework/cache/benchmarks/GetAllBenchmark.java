package io.github.saasframework.cache.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.KeyValue;
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
import org.redisson.api.RBuckets;
import org.redisson.codec.TypedJsonJackson3Codec;

/**
 * {@code getAll} of 100 and 1000 keys against as many sequential {@code get} calls, and
 * against the same batch read by hand on raw Lettuce ({@code MGET} on its sync API, each
 * value decoded with Jackson on the calling thread: the bound for a client that decodes
 * on the caller's thread) and by Redisson's {@code RBuckets} (one {@code MGET}, values
 * decoded by its codec on its I/O thread). One thread; one operation reads all the keys.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@State(Scope.Benchmark)
public class GetAllBenchmark {

	@Param({ "100", "1000" })
	public int size;

	private List<String> keys;

	private byte[][] lettuceKeys;

	private String[] redissonKeys;

	private RBuckets buckets;

	@Setup(Level.Trial)
	public void setUp(Contenders.Ours ours, Contenders.Lettuce lettuce, Contenders.Redisson redisson) {
		this.keys = new ArrayList<>(this.size);
		this.lettuceKeys = new byte[this.size][];
		this.redissonKeys = new String[this.size];
		Map<String, Payload> items = new LinkedHashMap<>();
		Map<byte[], byte[]> raw = new LinkedHashMap<>();
		for (int i = 0; i < this.size; i++) {
			String key = "getall:" + i;
			this.keys.add(key);
			items.put(key, ours.payload);
			this.lettuceKeys[i] = ("lettuce:" + key).getBytes(StandardCharsets.UTF_8);
			raw.put(this.lettuceKeys[i], lettuce.mapper.writeValueAsBytes(lettuce.payload));
			this.redissonKeys[i] = "redisson:" + key;
		}
		ours.cache.setAll(items, Connections.TTL);
		lettuce.commands.mset(raw);
		TypedJsonJackson3Codec codec = new TypedJsonJackson3Codec(Payload.class);
		this.buckets = redisson.client.getBuckets(codec);
		for (String key : this.redissonKeys) {
			redisson.client.getBucket(key, codec).set(redisson.payload, Connections.TTL);
		}
		if (ours.cache.getAll(this.keys, Payload.class).size() != this.size || lettuce(lettuce).size() != this.size
				|| redisson().size() != this.size) {
			throw new IllegalStateException("a contender did not find all " + this.size + " keys");
		}
	}

	@Benchmark
	public Map<String, Payload> getAll(Contenders.Ours ours) {
		return ours.cache.getAll(this.keys, Payload.class);
	}

	/**
	 * The batch by hand on raw Lettuce: one {@code MGET}, each value decoded on this
	 * thread into a map of the keys found.
	 * @param lettuce the raw Lettuce contender
	 * @return the values found
	 */
	@Benchmark
	public Map<String, Payload> lettuce(Contenders.Lettuce lettuce) {
		List<KeyValue<byte[], byte[]>> found = lettuce.commands.mget(this.lettuceKeys);
		Map<String, Payload> result = new LinkedHashMap<>();
		for (int i = 0; i < found.size(); i++) {
			KeyValue<byte[], byte[]> entry = found.get(i);
			if (entry.hasValue()) {
				result.put(this.keys.get(i), lettuce.mapper.readValue(entry.getValue(), Payload.class));
			}
		}
		return result;
	}

	/**
	 * Redisson's {@code RBuckets.get}: one {@code MGET}, decoded by its codec.
	 * @return the values found
	 */
	@Benchmark
	public Map<String, Payload> redisson() {
		return this.buckets.get(this.redissonKeys);
	}

	@Benchmark
	public void sequential(Contenders.Ours ours, Blackhole blackhole) {
		for (String key : this.keys) {
			blackhole.consume(ours.cache.get(key, Payload.class));
		}
	}

}
