package io.github.saasframework.cache.benchmarks;

import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Threads;

/**
 * A hot key (one value of about 200 bytes of JSON) read again and again: our cache with
 * the near cache on, for an immutable record (shared as the decoded object) and for a
 * mutable bean (decoded per hit), against raw Lettuce ({@code GET} + Jackson on every
 * call, the mutable bean's JSON) and Redisson's {@code RClientSideCaching} (the record).
 * Run with 1 thread ({@link T1}) and 8 threads ({@link T8}) sharing each contender's
 * client. {@link BenchmarkMain} runs these with shorter iterations in {@code --quick}
 * mode: a hit from memory needs less warm-up than a round trip.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public abstract class NearCacheBenchmark {

	@Benchmark
	public Optional<NearPayload> getNearImmutable(NearContenders.NearImmutable ours) {
		return ours.cache.get(NearContenders.IMMUTABLE_KEY, NearPayload.class);
	}

	@Benchmark
	public Optional<MutablePayload> getNearMutable(NearContenders.NearMutable ours) {
		return ours.cache.get(NearContenders.MUTABLE_KEY, MutablePayload.class);
	}

	@Benchmark
	public MutablePayload getLettuce(NearContenders.LettuceMutable lettuce) {
		return lettuce.get();
	}

	@Benchmark
	public NearPayload getRedissonClientSideCaching(NearContenders.RedissonClientSideCaching redisson) {
		return redisson.bucket.get();
	}

	/** One thread. */
	@Threads(1)
	public static class T1 extends NearCacheBenchmark {

	}

	/** Eight threads on each contender's shared client. */
	@Threads(8)
	public static class T8 extends NearCacheBenchmark {

	}

}
