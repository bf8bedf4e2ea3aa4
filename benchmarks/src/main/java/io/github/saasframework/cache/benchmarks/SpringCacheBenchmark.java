package io.github.saasframework.cache.benchmarks;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

import org.springframework.cache.CacheManager;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A {@code @Cacheable} hit through this library's {@code CacheManager} against the same
 * hit through Spring's {@code RedisCacheManager}: the same bean, the same payload, the
 * same kind of connection factory, in a Spring Boot application each. Both for a plain
 * method and for a method returning {@code Mono} (Spring reads it with
 * {@code Cache.retrieve}), awaited by the calling thread as a blocking caller of a
 * reactive method would.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public abstract class SpringCacheBenchmark {

	@Benchmark
	public Payload cacheableOurs(Ours ours) {
		return ours.payloads.get(Contenders.GET_KEY);
	}

	@Benchmark
	public Payload cacheableSpring(Spring spring) {
		return spring.payloads.get(Contenders.GET_KEY);
	}

	@Benchmark
	public Payload cacheableMonoOurs(Ours ours) {
		return ours.payloads.getMono(Contenders.GET_KEY).block();
	}

	@Benchmark
	public Payload cacheableMonoSpring(Spring spring) {
		return spring.payloads.getMono(Contenders.GET_KEY).block();
	}

	/** One thread. */
	@Threads(1)
	public static class T1 extends SpringCacheBenchmark {

	}

	/** Eight threads. */
	@Threads(8)
	public static class T8 extends SpringCacheBenchmark {

	}

	/** An application on this library's {@code CacheManager}. */
	@State(Scope.Benchmark)
	public static class Ours {

		ConfigurableApplicationContext context;

		SpringCacheApps.Payloads payloads;

		@Setup(Level.Trial)
		public void setUp() {
			this.context = SpringCacheApps.ours(Duration.ZERO);
			this.payloads = prime(this.context);
		}

		@TearDown(Level.Trial)
		public void tearDown() {
			this.context.close();
		}

	}

	/** An application on Spring's {@code RedisCacheManager}. */
	@State(Scope.Benchmark)
	public static class Spring {

		ConfigurableApplicationContext context;

		SpringCacheApps.Payloads payloads;

		@Setup(Level.Trial)
		public void setUp() {
			this.context = SpringCacheApps.spring(Duration.ZERO);
			this.payloads = prime(this.context);
		}

		@TearDown(Level.Trial)
		public void tearDown() {
			this.context.close();
		}

	}

	static SpringCacheApps.Payloads prime(ConfigurableApplicationContext context) {
		SpringCacheApps.Payloads payloads = context.getBean(SpringCacheApps.Payloads.class);
		context.getBean(CacheManager.class).getCache(SpringCacheApps.HIT_CACHE).evict(Contenders.GET_KEY);
		Contenders.check(payloads.get(Contenders.GET_KEY));
		Contenders.check(payloads.get(Contenders.GET_KEY));
		if (payloads.loads() != 1) {
			throw new IllegalStateException("The second call was not a cache hit: " + payloads.loads() + " loads");
		}
		context.getBean(CacheManager.class).getCache(SpringCacheApps.MONO_HIT_CACHE).evict(Contenders.GET_KEY);
		Contenders.check(payloads.getMono(Contenders.GET_KEY).block());
		Contenders.check(payloads.getMono(Contenders.GET_KEY).block());
		if (payloads.loads() != 2) {
			throw new IllegalStateException(
					"The second call of the Mono method was not a cache hit: " + payloads.loads() + " loads");
		}
		return payloads;
	}

}
