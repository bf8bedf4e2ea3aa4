package io.github.saasframework.cache.benchmarks;

import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Threads;

/**
 * {@code get} and {@code set} of one {@link Payload}: our cache against raw Lettuce with
 * Jackson, Spring's {@code RedisCacheManager} cache and Redisson's {@code RBucket}. Run
 * with 1 thread ({@link T1}) and 8 threads ({@link T8}) sharing each contender's client.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public abstract class GetSetBenchmark {

	@Benchmark
	public Optional<Payload> getOurs(Contenders.Ours ours) {
		return ours.cache.get(Contenders.GET_KEY, Payload.class);
	}

	@Benchmark
	public Payload getLettuce(Contenders.Lettuce lettuce) {
		return lettuce.get();
	}

	@Benchmark
	public Payload getSpringCache(Contenders.SpringCache spring) {
		return spring.cache.get(Contenders.GET_KEY, Payload.class);
	}

	@Benchmark
	public Payload getRedisson(Contenders.Redisson redisson) {
		return redisson.getBucket.get();
	}

	@Benchmark
	public void setOurs(Contenders.Ours ours) {
		ours.cache.set(Contenders.SET_KEY, ours.payload);
	}

	@Benchmark
	public void setLettuce(Contenders.Lettuce lettuce) {
		lettuce.set();
	}

	@Benchmark
	public void setSpringCache(Contenders.SpringCache spring) {
		spring.cache.put(Contenders.SET_KEY, spring.payload);
	}

	@Benchmark
	public void setRedisson(Contenders.Redisson redisson) {
		redisson.setBucket.set(redisson.payload, Connections.TTL);
	}

	/** One thread. */
	@Threads(1)
	public static class T1 extends GetSetBenchmark {

	}

	/** Eight threads on each contender's shared client. */
	@Threads(8)
	public static class T8 extends GetSetBenchmark {

	}

}
