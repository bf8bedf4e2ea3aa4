package io.github.saasframework.cache.benchmarks;

import java.util.concurrent.TimeUnit;

import io.github.saasframework.cache.reactive.ReactiveCache;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import reactor.core.publisher.Mono;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveRedisTemplate;
import org.springframework.data.redis.core.ReactiveValueOperations;
import org.springframework.data.redis.serializer.JacksonJsonRedisSerializer;
import org.springframework.data.redis.serializer.RedisSerializationContext;
import org.springframework.data.redis.serializer.StringRedisSerializer;

/**
 * The reactive API at one thread with many requests in flight: {@value #IN_FLIGHT}
 * {@code get}s (or {@code set}s) of one {@link Payload} subscribed together, then
 * awaited, as a WebFlux handler fanning out does. Ours ({@link ReactiveCache} on a
 * {@code RedisCache} as {@link Contenders.Ours}) against Spring Data Redis's
 * {@link ReactiveRedisTemplate} with a Jackson 3 JSON value serializer on the same kind
 * of connection factory. Throughput is per operation, not per batch.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
public class ReactiveBenchmark {

	/** Requests in flight per batch. */
	static final int IN_FLIGHT = 64;

	@Benchmark
	@OperationsPerInvocation(IN_FLIGHT)
	public Object getOurs(Ours ours) {
		Mono<?>[] batch = new Mono<?>[IN_FLIGHT];
		for (int i = 0; i < IN_FLIGHT; i++) {
			batch[i] = ours.reactive.get(Contenders.GET_KEY, Payload.class);
		}
		return Mono.when(batch).block();
	}

	@Benchmark
	@OperationsPerInvocation(IN_FLIGHT)
	public Object getTemplate(Template template) {
		Mono<?>[] batch = new Mono<?>[IN_FLIGHT];
		for (int i = 0; i < IN_FLIGHT; i++) {
			batch[i] = template.values.get(Template.GET);
		}
		return Mono.when(batch).block();
	}

	@Benchmark
	@OperationsPerInvocation(IN_FLIGHT)
	public Object setOurs(Ours ours) {
		Mono<?>[] batch = new Mono<?>[IN_FLIGHT];
		for (int i = 0; i < IN_FLIGHT; i++) {
			batch[i] = ours.reactive.set(Contenders.SET_KEY, ours.payload);
		}
		return Mono.when(batch).block();
	}

	@Benchmark
	@OperationsPerInvocation(IN_FLIGHT)
	public Object setTemplate(Template template) {
		Mono<?>[] batch = new Mono<?>[IN_FLIGHT];
		for (int i = 0; i < IN_FLIGHT; i++) {
			batch[i] = template.values.set(Template.SET, template.payload, Connections.TTL);
		}
		return Mono.when(batch).block();
	}

	/** Our {@link ReactiveCache} on a {@code RedisCache} as {@link Contenders.Ours}. */
	@State(Scope.Benchmark)
	public static class Ours {

		LettuceConnectionFactory factory;

		ReactiveCache reactive;

		final Payload payload = Payload.sample();

		@Setup(Level.Trial)
		public void setUp() {
			this.factory = Connections.connectionFactory();
			this.reactive = ReactiveCache.of(Connections.ourCache(this.factory));
			this.reactive.set(Contenders.GET_KEY, this.payload).block();
			Contenders.check(this.reactive.get(Contenders.GET_KEY, Payload.class).block());
		}

		@TearDown(Level.Trial)
		public void tearDown() {
			this.factory.destroy();
		}

	}

	/**
	 * Spring Data Redis's {@link ReactiveRedisTemplate}: string keys, Jackson 3 JSON
	 * values typed {@link Payload}.
	 */
	@State(Scope.Benchmark)
	public static class Template {

		static final String GET = "template:" + Contenders.GET_KEY;

		static final String SET = "template:" + Contenders.SET_KEY;

		LettuceConnectionFactory factory;

		ReactiveValueOperations<String, Payload> values;

		final Payload payload = Payload.sample();

		@Setup(Level.Trial)
		public void setUp() {
			this.factory = Connections.connectionFactory();
			RedisSerializationContext<String, Payload> context = RedisSerializationContext
				.<String, Payload>newSerializationContext(StringRedisSerializer.UTF_8)
				.value(new JacksonJsonRedisSerializer<>(Payload.class))
				.build();
			this.values = new ReactiveRedisTemplate<>(this.factory, context).opsForValue();
			this.values.set(GET, this.payload, Connections.TTL).block();
			Contenders.check(this.values.get(GET).block());
		}

		@TearDown(Level.Trial)
		public void tearDown() {
			this.factory.destroy();
		}

	}

}
