package io.github.saasframework.cache.benchmarks;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Threads;

/**
 * The non-blocking API at one thread with many requests in flight: {@value #IN_FLIGHT}
 * {@code get}s (or {@code set}s) of one {@link Payload} sent back to back, then awaited
 * together, as a reactive or async caller does. Ours ({@code Cache.async()}) against
 * Lettuce's own async API with Jackson (decoding on Lettuce's I/O thread when the reply
 * arrives, as ours does). Throughput is per operation, not per batch.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
public class AsyncBenchmark {

	/** Requests in flight per batch. */
	static final int IN_FLIGHT = 64;

	@Benchmark
	@OperationsPerInvocation(IN_FLIGHT)
	public Object getOurs(Contenders.Ours ours) {
		CompletableFuture<?>[] batch = new CompletableFuture<?>[IN_FLIGHT];
		for (int i = 0; i < IN_FLIGHT; i++) {
			batch[i] = ours.cache.async().get(Contenders.GET_KEY, Payload.class);
		}
		return CompletableFuture.allOf(batch).join();
	}

	@Benchmark
	@OperationsPerInvocation(IN_FLIGHT)
	public Object getLettuce(Contenders.Lettuce lettuce) {
		CompletableFuture<?>[] batch = new CompletableFuture<?>[IN_FLIGHT];
		for (int i = 0; i < IN_FLIGHT; i++) {
			batch[i] = lettuce.getAsync();
		}
		return CompletableFuture.allOf(batch).join();
	}

	@Benchmark
	@OperationsPerInvocation(IN_FLIGHT)
	public Object setOurs(Contenders.Ours ours) {
		CompletableFuture<?>[] batch = new CompletableFuture<?>[IN_FLIGHT];
		for (int i = 0; i < IN_FLIGHT; i++) {
			batch[i] = ours.cache.async().set(Contenders.SET_KEY, ours.payload);
		}
		return CompletableFuture.allOf(batch).join();
	}

	@Benchmark
	@OperationsPerInvocation(IN_FLIGHT)
	public Object setLettuce(Contenders.Lettuce lettuce) {
		CompletableFuture<?>[] batch = new CompletableFuture<?>[IN_FLIGHT];
		for (int i = 0; i < IN_FLIGHT; i++) {
			batch[i] = lettuce.setAsync();
		}
		return CompletableFuture.allOf(batch).join();
	}

}
