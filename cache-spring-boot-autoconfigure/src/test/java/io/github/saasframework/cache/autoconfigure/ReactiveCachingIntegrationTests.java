package io.github.saasframework.cache.autoconfigure;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.saasframework.cache.Cache;
import io.github.saasframework.cache.testsupport.RedisServerProcess;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.annotation.CachePut;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.dao.QueryTimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Spring's {@code @Cacheable} on methods returning {@code Mono}, {@code Flux} and
 * {@code CompletableFuture}, on a {@code redis-server} of the test's own: values are
 * typed by what the method emits and stored as plain JSON of it ({@code Flux} as a JSON
 * array); invoking a cached method returns at once while Redis is frozen
 * ({@code SIGSTOP}) and answers from the method (fail-open); {@code sync = true} loads
 * once per key across two application contexts.
 */
class ReactiveCachingIntegrationTests {

	private static final Duration BOUND = Duration.ofSeconds(15);

	private static RedisServerProcess server;

	@BeforeAll
	static void startServer() {
		server = RedisServerProcess.start();
	}

	@AfterAll
	static void stopServer() {
		server.stop();
	}

	private ApplicationContextRunner runner(String prefix) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
					RedisCacheAutoConfiguration.class, SpringCacheAutoConfiguration.class))
			.withBean(DataRedisConnectionDetails.class, () -> TestRedis.connectionDetails(server.port()))
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withUserConfiguration(ReactiveCachingApplication.class)
			.withPropertyValues("spring.data.redis.timeout=500ms", "app.cache.key-prefix=" + prefix);
	}

	@Test
	void monoFluxAndFutureResultsAreCachedAsPlainJsonOfWhatTheMethodEmits() {
		runner("reactive-cacheable").run((context) -> {
			ReactiveBooks books = context.getBean(ReactiveBooks.class);
			assertThat(books.find(1).block(BOUND)).isEqualTo(new Book(1, "title-1"));
			assertThat(books.find(1).block(BOUND)).isEqualTo(new Book(1, "title-1"));
			assertThat(books.shelf("a").collectList().block(BOUND)).containsExactly(new Book(1, "a-1"),
					new Book(2, "a-2"));
			assertThat(books.shelf("a").collectList().block(BOUND)).containsExactly(new Book(1, "a-1"),
					new Book(2, "a-2"));
			assertThat(books.future(3).get(BOUND.toSeconds(), TimeUnit.SECONDS)).isEqualTo(new Book(3, "title-3"));
			assertThat(books.future(3).get(BOUND.toSeconds(), TimeUnit.SECONDS)).isEqualTo(new Book(3, "title-3"));
			assertThat(books.synced(4).block(BOUND)).isEqualTo(new Book(4, "title-4"));
			assertThat(books.synced(4).block(BOUND)).isEqualTo(new Book(4, "title-4"));
			assertThat(books.syncedShelf("b").collectList().block(BOUND)).containsExactly(new Book(1, "b-1"),
					new Book(2, "b-2"));
			assertThat(books.syncedShelf("b").collectList().block(BOUND)).containsExactly(new Book(1, "b-1"),
					new Book(2, "b-2"));
			assertThat(books.calls()).hasValue(5);
			assertThat(books.threads()).as("Spring calls the method on the thread that completes the read")
				.noneMatch((name) -> name.startsWith("lettuce-"));
			assertThat(json("reactive-cacheable:books:1")).isEqualTo("{\"id\":1,\"title\":\"title-1\"}");
			assertThat(json("reactive-cacheable:shelves:a"))
				.isEqualTo("[{\"id\":1,\"title\":\"a-1\"},{\"id\":2,\"title\":\"a-2\"}]");
			assertThat(json("reactive-cacheable:futures:3")).isEqualTo("{\"id\":3,\"title\":\"title-3\"}");
			assertThat(json("reactive-cacheable:synced:4")).isEqualTo("{\"id\":4,\"title\":\"title-4\"}");
			assertThat(json("reactive-cacheable:synced-shelves:b"))
				.isEqualTo("[{\"id\":1,\"title\":\"b-1\"},{\"id\":2,\"title\":\"b-2\"}]");
			// the same entries through the Cache API
			Cache cache = context.getBean(Cache.class);
			assertThat(cache.withPrefix("books").get("1", Book.class)).contains(new Book(1, "title-1"));
			assertThat(cache.withPrefix("shelves").get("a", new ParameterizedTypeReference<List<Book>>() {
			})).contains(List.of(new Book(1, "a-1"), new Book(2, "a-2")));
			// and the other way round
			cache.withPrefix("books").set("9", new Book(9, "set by the Cache API"));
			assertThat(books.find(9).block(BOUND)).isEqualTo(new Book(9, "set by the Cache API"));
			// an empty Mono caches nothing
			assertThat(books.empty(1).blockOptional(BOUND)).isEmpty();
			assertThat(books.empty(1).blockOptional(BOUND)).isEmpty();
			assertThat(books.calls()).hasValue(7);
			// @CachePut on a Mono method writes what it emits, without waiting for Redis
			assertThat(books.replace(1, "new").block(BOUND)).isEqualTo(new Book(1, "new"));
			Awaitility.await()
				.atMost(BOUND)
				.until(() -> json("reactive-cacheable:books:1").equals("{\"id\":1,\"title\":\"new\"}"));
			cache.flushPrefix();
		});
	}

	@Test
	void invokingCachedMethodsReturnsAtOnceWhileRedisIsFrozen_andAnswersFromTheMethod() {
		runner("reactive-frozen").run((context) -> {
			ReactiveBooks books = context.getBean(ReactiveBooks.class);
			assertThat(books.find(1).block(BOUND)).isEqualTo(new Book(1, "title-1"));
			int before = books.calls().get();
			signal("STOP");
			CompletableFuture<Book> mono;
			CompletableFuture<List<Book>> flux;
			CompletableFuture<Book> future;
			CompletableFuture<Book> synced;
			try {
				// invoking and subscribing return before Redis could answer
				mono = books.find(2).toFuture();
				flux = books.shelf("c").collectList().toFuture();
				future = books.future(3);
				synced = books.synced(4).toFuture();
				assertThat(List.of(mono, flux, future, synced)).noneMatch(CompletableFuture::isDone);
				// the reads time out: a miss for the error handler, the method answers
				assertThat(mono.get(BOUND.toSeconds(), TimeUnit.SECONDS)).isEqualTo(new Book(2, "title-2"));
				assertThat(flux.get(BOUND.toSeconds(), TimeUnit.SECONDS)).containsExactly(new Book(1, "c-1"),
						new Book(2, "c-2"));
				assertThat(future.get(BOUND.toSeconds(), TimeUnit.SECONDS)).isEqualTo(new Book(3, "title-3"));
				assertThat(synced.get(BOUND.toSeconds(), TimeUnit.SECONDS)).isEqualTo(new Book(4, "title-4"));
			}
			finally {
				signal("CONT");
			}
			assertThat(books.calls().get() - before).isEqualTo(4);
			assertThat(books.threads()).as("Spring calls the method on the thread that completes the read")
				.noneMatch((name) -> name.startsWith("lettuce-"));
			assertThat(context.getBean(MeterRegistry.class)
				.get("cache.fail.open")
				.counters()
				.stream()
				.mapToDouble((counter) -> counter.count())
				.sum()).isGreaterThanOrEqualTo(4);
			// after the resume: cached as plain JSON of the emitted value again
			Awaitility.await().atMost(BOUND).ignoreExceptions().until(() -> server.command("PING").equals("+PONG"));
			Awaitility.await().atMost(BOUND).until(() -> {
				books.find(5).block(BOUND);
				return "{\"id\":5,\"title\":\"title-5\"}".equals(json("reactive-frozen:books:5"));
			});
			int calls = books.calls().get();
			assertThat(books.find(5).block(BOUND)).isEqualTo(new Book(5, "title-5"));
			assertThat(books.calls()).hasValue(calls);
			context.getBean(Cache.class).flushPrefix();
		});
	}

	@Test
	void aSyncMethodsOwnFailureThatLooksLikeAnOutage_reachesTheCallerAfterOneCall_andIsNoFailOpen() {
		// the method's database timing out (Spring's QueryTimeoutException, as a Redis
		// timeout is) is not a Redis outage: the method is not run a second time, and
		// neither the cache nor its error handler count or log it as fail-open
		runner("reactive-failing").run((context) -> {
			ReactiveBooks books = context.getBean(ReactiveBooks.class);
			assertThatExceptionOfType(QueryTimeoutException.class).isThrownBy(() -> books.failingSynced(1).block(BOUND))
				.withMessage("the method's database timed out");
			assertThatExceptionOfType(ExecutionException.class)
				.isThrownBy(() -> books.failingFuture(1).get(BOUND.toSeconds(), TimeUnit.SECONDS))
				.withCauseInstanceOf(QueryTimeoutException.class);
			assertThat(books.calls()).hasValue(2);
			assertThat(context.getBean(MeterRegistry.class)
				.find("cache.fail.open")
				.counters()
				.stream()
				.mapToDouble((counter) -> counter.count())
				.sum()).isZero();
			assertThat(server.command("EXISTS", "reactive-failing:failing:1")).isEqualTo(":0");
		});
	}

	@Test
	void syncLoadsOncePerKeyAcrossTwoApplicationContexts() {
		ApplicationContextRunner runner = runner("reactive-sync");
		runner.run((first) -> runner.run((second) -> {
			ReactiveBooks one = first.getBean(ReactiveBooks.class);
			ReactiveBooks two = second.getBean(ReactiveBooks.class);
			assertThat(one).isNotSameAs(two);
			for (int id = 1; id <= 3; id++) {
				List<CompletableFuture<Book>> callers = List.of(one.slowSynced(id).toFuture(),
						two.slowSynced(id).toFuture(), one.slowSynced(id).toFuture(), two.slowSynced(id).toFuture());
				for (CompletableFuture<Book> caller : callers) {
					assertThat(caller.get(BOUND.toSeconds(), TimeUnit.SECONDS)).isEqualTo(new Book(id, "slow-" + id));
				}
			}
			assertThat(one.calls().get() + two.calls().get()).as("one load per key across both contexts").isEqualTo(3);
			// many waiters of one key, in both contexts: none of them parks a thread
			ThreadMXBean threads = ManagementFactory.getThreadMXBean();
			int before = threads.getThreadCount();
			List<CompletableFuture<Book>> waiters = new ArrayList<>();
			for (int i = 0; i < 50; i++) {
				waiters.add(one.slowSynced(4).toFuture());
				waiters.add(two.slowSynced(4).toFuture());
			}
			int during = threads.getThreadCount();
			for (CompletableFuture<Book> waiter : waiters) {
				assertThat(waiter.get(BOUND.toSeconds(), TimeUnit.SECONDS)).isEqualTo(new Book(4, "slow-4"));
			}
			assertThat(during - before).as("threads started while 100 callers wait").isLessThan(20);
			assertThat(one.calls().get() + two.calls().get()).isEqualTo(4);
			first.getBean(Cache.class).flushPrefix();
		}));
	}

	private static String json(String redisKey) {
		String reply = server.command("GET", redisKey);
		return reply.equals("$-1") ? "" : reply;
	}

	private static void signal(String signal) throws Exception {
		Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(server.pid())).start();
		assertThat(kill.waitFor(5, TimeUnit.SECONDS)).isTrue();
		assertThat(kill.exitValue()).isZero();
	}

	record Book(long id, String title) {
	}

	static class ReactiveBooks {

		private final AtomicInteger calls = new AtomicInteger();

		private final Set<String> threads = ConcurrentHashMap.newKeySet();

		AtomicInteger calls() {
			return this.calls;
		}

		Set<String> threads() {
			return this.threads;
		}

		@Cacheable("books")
		public Mono<Book> find(long id) {
			this.calls.incrementAndGet();
			this.threads.add(Thread.currentThread().getName());
			return Mono.delay(Duration.ofMillis(10)).map((tick) -> new Book(id, "title-" + id));
		}

		@Cacheable("empty")
		public Mono<Book> empty(long id) {
			this.calls.incrementAndGet();
			return Mono.empty();
		}

		@CachePut(cacheNames = "books", key = "#id")
		public Mono<Book> replace(long id, String title) {
			return Mono.delay(Duration.ofMillis(10)).map((tick) -> new Book(id, title));
		}

		@Cacheable("shelves")
		public Flux<Book> shelf(String shelf) {
			this.calls.incrementAndGet();
			return Flux.just(new Book(1, shelf + "-1"), new Book(2, shelf + "-2"));
		}

		@Cacheable("futures")
		public CompletableFuture<Book> future(long id) {
			this.calls.incrementAndGet();
			this.threads.add(Thread.currentThread().getName());
			return CompletableFuture.supplyAsync(() -> new Book(id, "title-" + id));
		}

		@Cacheable(cacheNames = "synced", sync = true)
		public Mono<Book> synced(long id) {
			this.calls.incrementAndGet();
			return Mono.just(new Book(id, "title-" + id));
		}

		@Cacheable(cacheNames = "synced-shelves", sync = true)
		public Flux<Book> syncedShelf(String shelf) {
			this.calls.incrementAndGet();
			return Flux.just(new Book(1, shelf + "-1"), new Book(2, shelf + "-2"));
		}

		@Cacheable(cacheNames = "failing", sync = true)
		public Mono<Book> failingSynced(long id) {
			this.calls.incrementAndGet();
			return Mono.error(new QueryTimeoutException("the method's database timed out"));
		}

		@Cacheable(cacheNames = "failing-futures", sync = true)
		public CompletableFuture<Book> failingFuture(long id) {
			this.calls.incrementAndGet();
			return CompletableFuture.failedFuture(new QueryTimeoutException("the method's database timed out"));
		}

		@Cacheable(cacheNames = "slow", sync = true)
		public Mono<Book> slowSynced(long id) {
			this.calls.incrementAndGet();
			return Mono.delay(Duration.ofMillis(300)).map((tick) -> new Book(id, "slow-" + id));
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	static class ReactiveCachingApplication {

		@Bean
		ReactiveBooks reactiveBooks() {
			return new ReactiveBooks();
		}

	}

}
