package io.github.saasframework.cache.benchmarks;

import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Threads;

/**
 * {@code remember} on a hit against a plain {@code get} of the same key, one thread.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
public class RememberBenchmark {

	@Benchmark
	public Payload rememberHit(Contenders.Ours ours) {
		return ours.cache.remember(Contenders.GET_KEY, Connections.TTL, Payload.class, () -> {
			throw new IllegalStateException("The value is in Redis: the loader must not run");
		});
	}

	@Benchmark
	public Optional<Payload> get(Contenders.Ours ours) {
		return ours.cache.get(Contenders.GET_KEY, Payload.class);
	}

}
