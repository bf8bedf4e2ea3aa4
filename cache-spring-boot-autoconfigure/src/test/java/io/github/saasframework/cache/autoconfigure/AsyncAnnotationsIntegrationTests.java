package io.github.saasframework.cache.autoconfigure;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.saasframework.cache.Cache;
import io.github.saasframework.cache.annotation.Forget;
import io.github.saasframework.cache.annotation.Remember;
import io.github.saasframework.cache.annotation.WithLock;
import io.github.saasframework.cache.lock.LockNotAcquiredException;
import io.github.saasframework.cache.lock.LockNotHeldException;
import io.github.saasframework.cache.testsupport.RedisServerProcess;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code @Remember} and {@code @WithLock} on methods that return a
 * {@code CompletableFuture}, {@code Mono} or {@code Flux}, on a {@code redis-server} of
 * the test's own: the value is cached and the publisher returned; invoking returns at
 * once, also while Redis is frozen ({@code SIGSTOP}, then fail-open); the lock is held
 * until the result terminates and released on cancellation; the method's own exceptions
 * reach the caller unchanged.
 */
class AsyncAnnotationsIntegrationTests {

	private static final Duration BOUND = Duration.ofSeconds(15);

	private static final String PREFIX = "async-annotations";

	private static RedisServerProcess server;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
				RedisCacheAutoConfiguration.class))
		.withBean(DataRedisConnectionDetails.class, () -> TestRedis.connectionDetails(server.port()))
		.withBean(Books.class)
		.withPropertyValues("spring.data.redis.timeout=500ms", "app.cache.key-prefix=" + PREFIX,
				"app.cache.lock.retry-interval=20ms");

	@BeforeAll
	static void startServer() {
		server = RedisServerProcess.start();
	}

	@AfterAll
	static void stopServer() {
		server.stop();
	}

	@Test
	void rememberCachesWhatTheMonoOrFutureCompletesWith_andReturnsAPublisherOfIt() {
		this.runner.run((context) -> {
			Books books = context.getBean(Books.class);
			Mono<Book> mono = books.find(1);
			assertThat(books.calls()).as("a Mono is lazy: nothing runs before a subscription").hasValue(0);
			assertThat(mono.block(BOUND)).isEqualTo(new Book(1, "title-1"));
			assertThat(books.find(1).block(BOUND)).isEqualTo(new Book(1, "title-1"));
			assertThat(books.future(2).get(BOUND.toSeconds(), TimeUnit.SECONDS)).isEqualTo(new Book(2, "title-2"));
			assertThat(books.future(2).get(BOUND.toSeconds(), TimeUnit.SECONDS)).isEqualTo(new Book(2, "title-2"));
			assertThat(books.list("x").block(BOUND)).containsExactly(new Book(1, "x"), new Book(2, "x"));
			assertThat(books.list("x").block(BOUND)).containsExactly(new Book(1, "x"), new Book(2, "x"));
			assertThat(books.calls()).hasValue(3);
			assertThat(books.threads()).noneMatch((name) -> name.startsWith("lettuce-"));
			assertThat(server.command("GET", PREFIX + ":book:1")).isEqualTo("{\"id\":1,\"title\":\"title-1\"}");
			assertThat(server.command("GET", PREFIX + ":future:2")).isEqualTo("{\"id\":2,\"title\":\"title-2\"}");
			assertThat(server.command("GET", PREFIX + ":list:x"))
				.isEqualTo("[{\"id\":1,\"title\":\"x\"},{\"id\":2,\"title\":\"x\"}]");
			// an empty Mono stores nothing
			assertThat(books.missing(3).blockOptional(BOUND)).isEmpty();
			assertThat(server.command("EXISTS", PREFIX + ":missing:3")).isEqualTo(":0");
			context.getBean(Cache.class).flushPrefix();
		});
	}

	@Test
	void theMethodsOwnExceptionsReachTheCallerUnchanged() {
		this.runner.run((context) -> {
			Books books = context.getBean(Books.class);
			assertThatExceptionOfType(ExecutionException.class)
				.isThrownBy(() -> books.failing(1).toFuture().get(BOUND.toSeconds(), TimeUnit.SECONDS))
				.withCauseExactlyInstanceOf(IOException.class);
			assertThatExceptionOfType(ExecutionException.class)
				.isThrownBy(() -> books.failingFuture(1).get(BOUND.toSeconds(), TimeUnit.SECONDS))
				.withCauseExactlyInstanceOf(IOException.class);
			assertThatExceptionOfType(ExecutionException.class)
				.isThrownBy(() -> books.lockedFailing(1).get(BOUND.toSeconds(), TimeUnit.SECONDS))
				.withCauseExactlyInstanceOf(IOException.class);
			assertThat(server.command("EXISTS", PREFIX + ":failing:1")).isEqualTo(":0");
			assertThat(server.command("EXISTS", PREFIX + ":lock:failing:1")).isEqualTo(":0");
		});
	}

	@Test
	void invokingReturnsAtOnceWhileRedisIsFrozen_andRememberFailsOpen() {
		this.runner.run((context) -> {
			Books books = context.getBean(Books.class);
			// the connection is open (a cold cache connects on the first caller's thread)
			assertThat(books.find(0).block(BOUND)).isEqualTo(new Book(0, "title-0"));
			signal("STOP");
			try {
				CompletableFuture<Book> mono = books.find(7).toFuture();
				CompletableFuture<Book> future = books.future(8);
				CompletableFuture<String> locked = books.locked(9, CompletableFuture.completedFuture("done"));
				assertThat(List.of(mono, future, locked)).noneMatch(CompletableFuture::isDone);
				assertThat(mono.get(BOUND.toSeconds(), TimeUnit.SECONDS)).isEqualTo(new Book(7, "title-7"));
				assertThat(future.get(BOUND.toSeconds(), TimeUnit.SECONDS)).isEqualTo(new Book(8, "title-8"));
				assertThatExceptionOfType(ExecutionException.class)
					.isThrownBy(() -> locked.get(BOUND.toSeconds(), TimeUnit.SECONDS))
					.withCauseInstanceOf(org.springframework.dao.DataAccessException.class);
			}
			finally {
				signal("CONT");
			}
			assertThat(books.threads()).noneMatch((name) -> name.startsWith("lettuce-"));
			Awaitility.await()
				.atMost(BOUND)
				.ignoreExceptions()
				.until(() -> books.find(10).block(BOUND).equals(new Book(10, "title-10"))
						&& server.command("EXISTS", PREFIX + ":book:10").equals(":1"));
			context.getBean(Cache.class).flushPrefix();
		});
	}

	@Test
	void withLockHoldsTheLockUntilTheFutureCompletes_andSerializesCallers() {
		this.runner.run((context) -> {
			Books books = context.getBean(Books.class);
			CompletableFuture<String> firstGate = new CompletableFuture<>();
			CompletableFuture<String> first = books.locked(1, firstGate);
			Awaitility.await().atMost(BOUND).until(() -> books.lockedCalls().get() == 1);
			assertThat(server.command("EXISTS", PREFIX + ":lock:job:1")).isEqualTo(":1");
			CompletableFuture<String> second = books.locked(1, CompletableFuture.completedFuture("second"));
			CompletableFuture<String> other = books.locked(2, CompletableFuture.completedFuture("other"));
			assertThat(other.get(BOUND.toSeconds(), TimeUnit.SECONDS)).isEqualTo("other");
			assertThat(books.lockedCalls()).as("the second caller waits for the lock").hasValue(2);
			assertThat(second).isNotDone();
			firstGate.complete("first");
			assertThat(first.get(BOUND.toSeconds(), TimeUnit.SECONDS)).isEqualTo("first");
			assertThat(second.get(BOUND.toSeconds(), TimeUnit.SECONDS)).isEqualTo("second");
			assertThat(books.lockedCalls()).hasValue(3);
			assertThat(server.command("EXISTS", PREFIX + ":lock:job:1")).isEqualTo(":0");
			// a caller that cannot get the lock within its wait
			CompletableFuture<String> holder = new CompletableFuture<>();
			CompletableFuture<String> holding = books.locked(3, holder);
			Awaitility.await().atMost(BOUND).until(() -> server.command("EXISTS", PREFIX + ":lock:job:3").equals(":1"));
			assertThatExceptionOfType(ExecutionException.class)
				.isThrownBy(() -> books.impatient(3).get(BOUND.toSeconds(), TimeUnit.SECONDS))
				.withCauseExactlyInstanceOf(LockNotAcquiredException.class);
			holder.complete("h");
			assertThat(holding.get(BOUND.toSeconds(), TimeUnit.SECONDS)).isEqualTo("h");
		});
	}

	@Test
	void withLockHoldsTheLockUntilTheMonoOrFluxTerminates_andReleasesItOnCancellation() {
		this.runner.run((context) -> {
			Books books = context.getBean(Books.class);
			CompletableFuture<String> gate = new CompletableFuture<>();
			CompletableFuture<String> mono = books.lockedMono(1, Mono.fromFuture(gate)).toFuture();
			Awaitility.await()
				.atMost(BOUND)
				.until(() -> server.command("EXISTS", PREFIX + ":lock:mono:1").equals(":1"));
			gate.complete("done");
			assertThat(mono.get(BOUND.toSeconds(), TimeUnit.SECONDS)).isEqualTo("done");
			assertThat(server.command("EXISTS", PREFIX + ":lock:mono:1")).isEqualTo(":0");

			CompletableFuture<List<Integer>> flux = books
				.lockedFlux(2, Flux.range(1, 3).delayElements(Duration.ofMillis(50)))
				.collectList()
				.toFuture();
			Awaitility.await()
				.atMost(BOUND)
				.until(() -> server.command("EXISTS", PREFIX + ":lock:flux:2").equals(":1"));
			assertThat(flux.get(BOUND.toSeconds(), TimeUnit.SECONDS)).containsExactly(1, 2, 3);
			assertThat(server.command("EXISTS", PREFIX + ":lock:flux:2")).isEqualTo(":0");

			Disposable never = books.lockedMono(3, Mono.never()).subscribe();
			Awaitility.await()
				.atMost(BOUND)
				.until(() -> server.command("EXISTS", PREFIX + ":lock:mono:3").equals(":1"));
			never.dispose();
			Awaitility.await()
				.atMost(BOUND)
				.until(() -> server.command("EXISTS", PREFIX + ":lock:mono:3").equals(":0"));

			CompletableFuture<String> neverFuture = books.locked(4, new CompletableFuture<>());
			Awaitility.await().atMost(BOUND).until(() -> server.command("EXISTS", PREFIX + ":lock:job:4").equals(":1"));
			neverFuture.cancel(true);
			Awaitility.await().atMost(BOUND).until(() -> server.command("EXISTS", PREFIX + ":lock:job:4").equals(":0"));
		});
	}

	@Test
	void withLockFailsTheResultWhenTheLockWasLostWhileItRan() {
		this.runner.run((context) -> {
			Books books = context.getBean(Books.class);
			CompletableFuture<String> gate = new CompletableFuture<>();
			CompletableFuture<String> locked = books.locked(5, gate);
			Awaitility.await().atMost(BOUND).until(() -> server.command("EXISTS", PREFIX + ":lock:job:5").equals(":1"));
			// another process (or an operator) removed the lock meanwhile
			server.command("DEL", PREFIX + ":lock:job:5");
			gate.complete("late");
			assertThatExceptionOfType(ExecutionException.class)
				.isThrownBy(() -> locked.get(BOUND.toSeconds(), TimeUnit.SECONDS))
				.withCauseExactlyInstanceOf(LockNotHeldException.class);
		});
	}

	@Test
	void forgetRemovesTheKeysOnceTheResultCompleted() {
		this.runner.run((context) -> {
			Books books = context.getBean(Books.class);
			Cache cache = context.getBean(Cache.class);
			cache.set("book:1", new Book(1, "old"));
			cache.set("book:2", new Book(2, "old"));
			cache.set("book:3", new Book(3, "old"));
			CompletableFuture<String> gate = new CompletableFuture<>();
			Mono<Book> renamed = books.rename(1, "new");
			CompletableFuture<Book> future = books.renameLater(2, gate);
			assertThat(cache.exists("book:1")).as("nothing before the subscription").isOne();
			assertThat(renamed.block(BOUND)).isEqualTo(new Book(1, "new"));
			assertThat(cache.exists("book:1")).isZero();
			assertThat(cache.exists("book:2")).as("nothing before the future completed").isOne();
			gate.complete("new");
			assertThat(future.get(BOUND.toSeconds(), TimeUnit.SECONDS)).isEqualTo(new Book(2, "new"));
			assertThat(cache.exists("book:2")).isZero();
			assertThat(books.renameAll(3).collectList().block(BOUND)).hasSize(1);
			assertThat(cache.exists("book:3")).isZero();
			cache.flushPrefix();
		});
	}

	private static void signal(String signal) throws Exception {
		Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(server.pid())).start();
		assertThat(kill.waitFor(5, TimeUnit.SECONDS)).isTrue();
		assertThat(kill.exitValue()).isZero();
	}

	record Book(long id, String title) {
	}

	static class Books {

		private final AtomicInteger calls = new AtomicInteger();

		private final AtomicInteger lockedCalls = new AtomicInteger();

		private final Set<String> threads = ConcurrentHashMap.newKeySet();

		AtomicInteger calls() {
			return this.calls;
		}

		AtomicInteger lockedCalls() {
			return this.lockedCalls;
		}

		Set<String> threads() {
			return this.threads;
		}

		@Remember(key = "'book:' + #id")
		public Mono<Book> find(long id) {
			this.calls.incrementAndGet();
			this.threads.add(Thread.currentThread().getName());
			return Mono.delay(Duration.ofMillis(10)).map((tick) -> new Book(id, "title-" + id));
		}

		@Remember(key = "'future:' + #id", ttl = "5m")
		public CompletableFuture<Book> future(long id) {
			this.calls.incrementAndGet();
			this.threads.add(Thread.currentThread().getName());
			return CompletableFuture.supplyAsync(() -> new Book(id, "title-" + id));
		}

		@Remember(key = "'list:' + #shelf")
		public Mono<List<Book>> list(String shelf) {
			this.calls.incrementAndGet();
			return Mono.just(List.of(new Book(1, shelf), new Book(2, shelf)));
		}

		@Remember(key = "'missing:' + #id")
		public Mono<Book> missing(long id) {
			return Mono.empty();
		}

		@Remember(key = "'failing:' + #id")
		public Mono<Book> failing(long id) {
			return Mono.error(new IOException("backend down"));
		}

		@Remember(key = "'failing:' + #id")
		public CompletableFuture<Book> failingFuture(long id) {
			return CompletableFuture.failedFuture(new IOException("backend down"));
		}

		@WithLock(key = "'lock:failing:' + #id")
		public CompletableFuture<String> lockedFailing(long id) {
			return CompletableFuture.failedFuture(new IOException("backend down"));
		}

		@WithLock(key = "'lock:job:' + #id", ttl = "5s")
		public CompletableFuture<String> locked(long id, CompletableFuture<String> work) {
			this.lockedCalls.incrementAndGet();
			return work;
		}

		@WithLock(key = "'lock:job:' + #id", waitTime = "100ms")
		public CompletableFuture<String> impatient(long id) {
			return CompletableFuture.completedFuture("never");
		}

		@WithLock(key = "'lock:mono:' + #id")
		public Mono<String> lockedMono(long id, Mono<String> work) {
			return work;
		}

		@Forget(keys = "'book:' + #id")
		public Mono<Book> rename(long id, String title) {
			return Mono.delay(Duration.ofMillis(10)).map((tick) -> new Book(id, title));
		}

		@Forget(keys = "'book:' + #result.id()")
		public CompletableFuture<Book> renameLater(long id, CompletableFuture<String> title) {
			return title.thenApply((value) -> new Book(id, value));
		}

		@Forget(keys = "'book:' + #id")
		public Flux<Book> renameAll(long id) {
			return Flux.just(new Book(id, "x")).delayElements(Duration.ofMillis(10));
		}

		@WithLock(key = "'lock:flux:' + #id")
		public Flux<Integer> lockedFlux(long id, Flux<Integer> work) {
			return work;
		}

	}

}
