package io.github.saasframework.cache;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import io.github.saasframework.cache.reactive.ReactiveCache;
import io.github.saasframework.cache.testsupport.RedisServerExtension;
import io.github.saasframework.cache.testsupport.RedisServerProcess;
import io.github.saasframework.cache.testsupport.RedisTemplates;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * {@link AsyncCache} on a {@code redis-server} of the test's own: the same keys, values,
 * metrics and single-flight as the blocking API, on root and {@code withPrefix} caches,
 * with and without the near cache; while the server is frozen ({@code SIGSTOP}) every
 * method returns at once and its future fails with the exception type the blocking method
 * throws ({@code remember} fails open); after {@code SIGCONT} it works again. The first
 * calls of a cache whose connection is not open yet return at once too. The loaders never
 * run on Lettuce's threads.
 */
class AsyncCacheTests {

	private static final Duration COMMAND_TIMEOUT = Duration.ofMillis(500);

	/** Far above the command timeout: a future that is not done by then hangs. */
	private static final long BOUND_SECONDS = 10;

	private static RedisServerProcess server;

	private static LettuceConnectionFactory factory;

	private final List<RedisCache> caches = new ArrayList<>();

	private final CountingRecorder recorder = new CountingRecorder();

	@BeforeAll
	static void startServer() {
		server = RedisServerProcess.start();
		factory = RedisServerExtension.connectionFactory(server, COMMAND_TIMEOUT);
	}

	@AfterAll
	static void stopServer() {
		factory.destroy();
		server.stop();
	}

	@AfterEach
	void closeCaches() throws Exception {
		signal("-CONT");
		this.caches.forEach(RedisCache::close);
	}

	private RedisCache cache(CacheConfig.Builder config) {
		RedisCache cache = RedisCache.create(factory, config.metricsRecorder(this.recorder).build());
		this.caches.add(cache);
		return cache;
	}

	// ---------------------------------------------------------------- the same data as
	// the
	// blocking API

	@Test
	void getSetDeleteIncrement_rootAndPrefix_sameEntriesAsBlockingApi() throws Exception {
		RedisCache root = cache(CacheConfig.builder().keyPrefix("async"));
		Cache users = root.withPrefix("users");
		for (Cache cache : List.of(root, users)) {
			AsyncCache async = cache.async();
			assertThat(async.set("p", new Pet("Ada", 36)).get(BOUND_SECONDS, TimeUnit.SECONDS)).isNull();
			assertThat(cache.get("p", Pet.class)).contains(new Pet("Ada", 36));
			cache.set("list", List.of(new Pet("Bob", 1)));
			assertThat(async.get("list", new ParameterizedTypeReference<List<Pet>>() {
			}).get(BOUND_SECONDS, TimeUnit.SECONDS)).contains(List.of(new Pet("Bob", 1)));
			assertThat(async.get("p", Pet.class).get(BOUND_SECONDS, TimeUnit.SECONDS)).contains(new Pet("Ada", 36));
			assertThat(async.get("absent", Pet.class).get(BOUND_SECONDS, TimeUnit.SECONDS)).isEmpty();
			assertThat(async.getAll(List.of("p", "absent"), Pet.class).get(BOUND_SECONDS, TimeUnit.SECONDS))
				.containsExactly(Map.entry("p", new Pet("Ada", 36)));
			assertThat(async.increment("n", 5).get(BOUND_SECONDS, TimeUnit.SECONDS)).isEqualTo(5);
			assertThat(async.increment("n", -2).get(BOUND_SECONDS, TimeUnit.SECONDS)).isEqualTo(3);
			assertThat(cache.get("n", Long.class)).contains(3L);
			async.set("short", "v", Duration.ofSeconds(30)).get(BOUND_SECONDS, TimeUnit.SECONDS);
			assertThat(cache.getTtl("short"))
				.hasValueSatisfying((ttl) -> assertThat(ttl).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(30)));
			assertThat(async.delete("p").get(BOUND_SECONDS, TimeUnit.SECONDS)).isTrue();
			assertThat(async.delete("p").get(BOUND_SECONDS, TimeUnit.SECONDS)).isFalse();
			assertThat(cache.get("p", Pet.class)).isEmpty();
		}
		RedisTemplate<String, byte[]> template = RedisTemplates.bytes(factory);
		// the wire format: prefix:key, plain JSON and raw strings
		assertThat(template.keys("async:*")).contains("async:list", "async:n", "async:short", "async:users:list",
				"async:users:n", "async:users:short");
		assertThat(new String(template.opsForValue().get("async:users:short"), StandardCharsets.UTF_8)).isEqualTo("v");
		assertThat(this.recorder.puts.get()).isGreaterThanOrEqualTo(4);
		assertThat(this.recorder.hits.get()).isGreaterThanOrEqualTo(4);
		root.flushPrefix();
	}

	@Test
	void badArguments_throwAtOnce_beforeAnythingIsSent() {
		AsyncCache async = cache(CacheConfig.builder().keyPrefix("async-args")).async();
		assertThatIllegalArgumentException().isThrownBy(() -> async.get(" ", String.class))
			.withMessageContaining("key");
		assertThatIllegalArgumentException().isThrownBy(() -> async.set("k", "v", Duration.ofSeconds(-1)))
			.withMessageContaining("ttl");
		assertThatIllegalArgumentException().isThrownBy(() -> async.remember("k", Duration.ZERO, String.class, null))
			.withMessageContaining("loader");
		assertThat(RedisTemplates.bytes(factory).keys("async-args:*")).isEmpty();
	}

	@Test
	void remember_loadsOnce_storesPlainJson_andServesHits() throws Exception {
		RedisCache cache = cache(CacheConfig.builder().keyPrefix("async-remember"));
		AtomicInteger loads = new AtomicInteger();
		Set<String> loaderThreads = ConcurrentHashMap.newKeySet();
		CompletableFuture<Void> release = new CompletableFuture<>();
		Supplier<CompletableFuture<Pet>> loader = () -> {
			loads.incrementAndGet();
			loaderThreads.add(Thread.currentThread().getName());
			return release.thenApply((ignored) -> new Pet("Eve", 7));
		};
		List<CompletableFuture<Pet>> callers = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			callers.add(cache.async().remember("p", Duration.ofMinutes(1), Pet.class, loader));
		}
		// a blocking caller of the same key joins the same load
		CompletableFuture<Pet> blocking = CompletableFuture
			.supplyAsync(() -> cache.remember("p", Duration.ofMinutes(1), Pet.class, () -> new Pet("other", 0)));
		assertThat(callers).noneMatch(CompletableFuture::isDone);
		release.complete(null);
		for (CompletableFuture<Pet> caller : callers) {
			assertThat(caller.get(BOUND_SECONDS, TimeUnit.SECONDS)).isEqualTo(new Pet("Eve", 7));
		}
		assertThat(blocking.get(BOUND_SECONDS, TimeUnit.SECONDS)).isEqualTo(new Pet("Eve", 7));
		assertThat(loads).hasValue(1);
		assertThat(loaderThreads).noneMatch(AsyncCacheTests::isLettuceThread);
		assertThat(
				new String(RedisTemplates.bytes(factory).opsForValue().get("async-remember:p"), StandardCharsets.UTF_8))
			.isEqualTo("{\"name\":\"Eve\",\"age\":7}");
		// a hit completes without calling the loader
		assertThat(cache.async()
			.remember("p", Duration.ofMinutes(1), Pet.class, () -> CompletableFuture.failedFuture(new AssertionError()))
			.get(BOUND_SECONDS, TimeUnit.SECONDS)).isEqualTo(new Pet("Eve", 7));
		assertThat(this.recorder.loads.get()).isEqualTo(1);
		cache.flushPrefix();
	}

	@Test
	void remember_loaderFailure_isPassedOn_andNothingIsStored() {
		RedisCache cache = cache(CacheConfig.builder().keyPrefix("async-failure"));
		CompletableFuture<String> failed = cache.async()
			.remember("k", Duration.ZERO, String.class,
					() -> CompletableFuture.failedFuture(new IllegalStateException("backend down")));
		assertThatExceptionOfType(CompletionException.class).isThrownBy(failed::join)
			.havingCause()
			.isInstanceOf(IllegalStateException.class)
			.withMessage("backend down");
		CompletableFuture<String> checked = cache.async()
			.remember("k", Duration.ZERO, String.class, () -> CompletableFuture.failedFuture(new IOException("io")));
		assertThatExceptionOfType(CompletionException.class).isThrownBy(checked::join)
			.havingCause()
			.isInstanceOf(CacheException.class)
			.withCauseInstanceOf(IOException.class);
		assertThat(cache.exists("k")).isZero();
	}

	@Test
	void remember_anotherProcessHoldsTheLoadLease_waitsOnATimerForItsValue() throws Exception {
		RedisCache cache = cache(CacheConfig.builder().keyPrefix("async-lease").loadWait(Duration.ofSeconds(20)));
		RedisTemplate<String, byte[]> template = RedisTemplates.bytes(factory);
		// another process is loading the key: it holds the lease
		template.opsForValue()
			.set("async-lease:k.lease", "other-process".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(30));
		AtomicInteger loads = new AtomicInteger();
		CompletableFuture<String> waiting = cache.async()
			.remember("k", Duration.ZERO, String.class,
					() -> CompletableFuture.completedFuture("mine-" + loads.incrementAndGet()));
		assertThat(waiting).isNotDone();
		template.opsForValue().set("async-lease:k", "theirs".getBytes(StandardCharsets.UTF_8));
		assertThat(waiting.get(BOUND_SECONDS, TimeUnit.SECONDS)).isEqualTo("theirs");
		assertThat(loads).hasValue(0);
		template.delete(List.of("async-lease:k", "async-lease:k.lease"));
	}

	@Test
	void remember_refreshAfter_staleHitAnswersAtOnce_andReloadsInTheBackground() throws Exception {
		RedisCache cache = cache(CacheConfig.builder().keyPrefix("async-refresh"));
		RememberPolicy policy = RememberPolicy.ttl(Duration.ofSeconds(60)).refreshAfter(Duration.ofSeconds(30));
		AtomicInteger loads = new AtomicInteger();
		Supplier<CompletableFuture<String>> loader = () -> CompletableFuture
			.completedFuture("v" + loads.incrementAndGet());
		ParameterizedTypeReference<String> type = new ParameterizedTypeReference<>() {
		};
		assertThat(cache.async().remember("k", policy, type, loader).get(BOUND_SECONDS, TimeUnit.SECONDS))
			.isEqualTo("v1");
		// 20 s of 60 s left: the entry looks 40 s old
		assertThat(cache.expire("k", Duration.ofSeconds(20))).isTrue();
		assertThat(cache.async().remember("k", policy, type, loader).get(BOUND_SECONDS, TimeUnit.SECONDS))
			.as("the stale value answers at once")
			.isEqualTo("v1");
		Awaitility.await()
			.atMost(Duration.ofSeconds(BOUND_SECONDS))
			.until(() -> cache.get("k", String.class).equals(Optional.of("v2")));
		assertThat(cache.getTtl("k"))
			.hasValueSatisfying((ttl) -> assertThat(ttl).isGreaterThan(Duration.ofSeconds(50)));
		assertThat(loads).hasValue(2);
		cache.flushPrefix();
	}

	@Test
	void getAndRemember_areObservedAsTheBlockingOnes() throws Exception {
		List<String> observed = new java.util.concurrent.CopyOnWriteArrayList<>();
		CacheObserver observer = (operation, prefix) -> new CacheObserver.Observed() {

			@Override
			public void result(CacheObserver.Result result) {
				observed.add(operation + ":" + prefix + ":" + result);
			}

		};
		RedisCache cache = cache(CacheConfig.builder().keyPrefix("async-observed").observer(observer));
		cache.async().get("k", String.class).get(BOUND_SECONDS, TimeUnit.SECONDS);
		cache.async()
			.remember("k", Duration.ZERO, String.class, () -> CompletableFuture.completedFuture("v"))
			.get(BOUND_SECONDS, TimeUnit.SECONDS);
		cache.async().get("k", String.class).get(BOUND_SECONDS, TimeUnit.SECONDS);
		assertThat(observed).containsExactly("GET:async-observed:MISS", "REMEMBER:async-observed:MISS",
				"GET:async-observed:HIT");
		cache.flushPrefix();
	}

	// ---------------------------------------------------------------- near cache

	@Test
	void get_nearCacheHit_completesAtOnce_evenWhileRedisIsFrozen() throws Exception {
		RedisCache cache = cache(CacheConfig.builder().keyPrefix("async-near").nearCache(true));
		Cache child = cache.withPrefix("child");
		cache.set("k", "v");
		child.set("k", new Pet("Ann", 3));
		// the first read after a write may not be kept: the write's own invalidation can
		// arrive while that read is on its way
		Awaitility.await().atMost(Duration.ofSeconds(BOUND_SECONDS)).pollInterval(Duration.ofMillis(1)).until(() -> {
			assertThat(cache.get("k", String.class)).contains("v");
			assertThat(child.get("k", Pet.class)).contains(new Pet("Ann", 3));
			return cache.heldInMemory("k") && cache.heldInMemory("child:k");
		});
		signal("-STOP");
		try {
			CompletableFuture<Optional<String>> hit = cache.async().get("k", String.class);
			CompletableFuture<Optional<Pet>> childHit = child.async().get("k", Pet.class);
			CompletableFuture<Pet> remembered = child.async()
				.remember("k", Duration.ZERO, Pet.class, () -> CompletableFuture.failedFuture(new AssertionError()));
			CompletableFuture<Optional<String>> miss = cache.async().get("other", String.class);
			assertThat(hit).isCompletedWithValue(Optional.of("v"));
			assertThat(childHit).isCompletedWithValue(Optional.of(new Pet("Ann", 3)));
			assertThat(remembered).isCompletedWithValue(new Pet("Ann", 3));
			assertThat(miss).as("a key memory does not hold waits for Redis").isNotDone();
		}
		finally {
			signal("-CONT");
		}
		Awaitility.await()
			.atMost(Duration.ofSeconds(BOUND_SECONDS))
			.ignoreExceptions()
			.until(() -> cache.exists("k") == 1);
		cache.flushPrefix();
	}

	// ---------------------------------------------------------------- a frozen server

	@Test
	void everyMethod_serverFrozen_returnsAtOnce_failsAsTheBlockingApi_andWorksAfterResume() throws Exception {
		RedisCache cache = cache(CacheConfig.builder().keyPrefix("async-stall").failOpen(true));
		Cache child = cache.withPrefix("child");
		cache.set("warm", "v");
		AtomicInteger loads = new AtomicInteger();
		Set<String> loaderThreads = ConcurrentHashMap.newKeySet();
		signal("-STOP");
		List<CompletableFuture<?>> failing = new ArrayList<>();
		CompletableFuture<String> remembered;
		CompletableFuture<String> rememberedChild;
		Class<? extends DataAccessException> blockingType;
		try {
			for (Cache target : List.of(cache, child)) {
				AsyncCache async = target.async();
				// each call returns before Redis could answer: its future is not done yet
				failing.add(notDone(async.get("warm", String.class)));
				failing.add(notDone(async.get("warm", new ParameterizedTypeReference<List<String>>() {
				})));
				failing.add(notDone(async.getAll(List.of("a", "b"), String.class)));
				failing.add(notDone(async.set("k", "v")));
				failing.add(notDone(async.set("k", "v", Duration.ofMinutes(1))));
				failing.add(notDone(async.delete("k")));
				failing.add(notDone(async.increment("n", 1)));
			}
			Supplier<CompletableFuture<String>> loader = () -> {
				loaderThreads.add(Thread.currentThread().getName());
				return CompletableFuture.completedFuture("loaded-" + loads.incrementAndGet());
			};
			remembered = notDone(cache.async().remember("r", Duration.ZERO, String.class, loader));
			rememberedChild = notDone(child.async().remember("r", Duration.ZERO, String.class, loader));
			blockingType = assertThatExceptionOfType(DataAccessException.class)
				.isThrownBy(() -> cache.get("warm", String.class))
				.actual()
				.getClass();
			for (CompletableFuture<?> future : failing) {
				assertThatExceptionOfType(Exception.class).isThrownBy(() -> future.get(BOUND_SECONDS, TimeUnit.SECONDS))
					.havingCause()
					.isExactlyInstanceOf(blockingType);
			}
			// fail-open: remember answers from the loader, without caching
			assertThat(remembered.get(BOUND_SECONDS, TimeUnit.SECONDS)).startsWith("loaded-");
			assertThat(rememberedChild.get(BOUND_SECONDS, TimeUnit.SECONDS)).startsWith("loaded-");
		}
		finally {
			signal("-CONT");
		}
		assertThat(loads).hasValue(2);
		assertThat(loaderThreads).noneMatch(AsyncCacheTests::isLettuceThread);
		assertThat(this.recorder.failOpen.get()).isGreaterThanOrEqualTo(2);
		// after the resume: the same calls work again
		Awaitility.await()
			.atMost(Duration.ofSeconds(BOUND_SECONDS))
			.ignoreExceptions()
			.until(() -> cache.async().get("warm", String.class).get(BOUND_SECONDS, TimeUnit.SECONDS),
					(value) -> value.equals(Optional.of("v")));
		child.async().set("k", "after").get(BOUND_SECONDS, TimeUnit.SECONDS);
		assertThat(child.get("k", String.class)).contains("after");
		assertThat(cache.async()
			.remember("r2", Duration.ZERO, String.class, () -> CompletableFuture.completedFuture("stored"))
			.get(BOUND_SECONDS, TimeUnit.SECONDS)).isEqualTo("stored");
		assertThat(cache.get("r2", String.class)).contains("stored");
		cache.flushPrefix();
	}

	@Test
	void firstCommands_serverFrozen_returnAtOnce_theConnectionOpensOffTheCallersThread() throws Exception {
		RedisCache writer = cache(CacheConfig.builder().keyPrefix("async-first"));
		writer.set("k", new Pet("Rex", 3));
		// a factory whose connection no one opened yet (the shared test factories open
		// theirs when made), with a command timeout the freeze below stays inside
		LettuceConnectionFactory unopened = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration(server.host(), server.port()),
				LettuceClientConfiguration.builder().commandTimeout(Duration.ofSeconds(BOUND_SECONDS)).build());
		unopened.afterPropertiesSet();
		unopened.start();
		try (RedisCache cache = RedisCache.create(unopened, CacheConfig.builder().keyPrefix("async-first").build())) {
			CompletableFuture<Optional<Pet>> get;
			CompletableFuture<Void> set;
			CompletableFuture<Pet> reactiveGet;
			signal("-STOP");
			try {
				// Redis cannot answer the connection's handshake: a call that opened the
				// connection on this thread would return only after the connect timeout,
				// its future failed
				get = notDone(cache.async().get("k", Pet.class));
				set = notDone(cache.async().set("other", new Pet("Tom", 1)));
				reactiveGet = notDone(ReactiveCache.of(cache).get("k", Pet.class).toFuture());
			}
			finally {
				signal("-CONT");
			}
			assertThat(get.get(BOUND_SECONDS, TimeUnit.SECONDS)).contains(new Pet("Rex", 3));
			assertThat(reactiveGet.get(BOUND_SECONDS, TimeUnit.SECONDS)).isEqualTo(new Pet("Rex", 3));
			set.get(BOUND_SECONDS, TimeUnit.SECONDS);
			assertThat(writer.get("other", Pet.class)).contains(new Pet("Tom", 1));
		}
		finally {
			unopened.destroy();
			writer.flushPrefix();
		}
	}

	@Test
	void firstCommands_serverFrozenPastTheCommandTimeout_failWithinAboutTheCommandTimeout_notTheConnectTimeout()
			throws Exception {
		RedisCache writer = cache(CacheConfig.builder().keyPrefix("async-first-timeout"));
		writer.set("k", new Pet("Rex", 3));
		// connect timeout 10 s (Lettuce's default), command timeout 500 ms: the server
		// accepts the connection but does not answer its handshake, which Lettuce bounds
		// by the command timeout, so calls waiting for it fail about as soon as a call on
		// an open connection would
		LettuceConnectionFactory unopened = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration(server.host(), server.port()),
				LettuceClientConfiguration.builder().commandTimeout(Duration.ofMillis(500)).build());
		unopened.afterPropertiesSet();
		unopened.start();
		try (RedisCache cache = RedisCache.create(unopened,
				CacheConfig.builder().keyPrefix("async-first-timeout").build())) {
			signal("-STOP");
			try {
				CompletableFuture<Optional<Pet>> get = notDone(cache.async().get("k", Pet.class));
				CompletableFuture<Pet> reactiveGet = notDone(ReactiveCache.of(cache).get("k", Pet.class).toFuture());
				// a wait well under the connect timeout
				assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> get.get(5, TimeUnit.SECONDS))
					.withCauseInstanceOf(DataAccessException.class);
				assertThatExceptionOfType(ExecutionException.class)
					.isThrownBy(() -> reactiveGet.get(5, TimeUnit.SECONDS))
					.withCauseInstanceOf(DataAccessException.class);
			}
			finally {
				signal("-CONT");
			}
			// the attempt goes on and the next call finds the connection open
			Awaitility.await()
				.atMost(Duration.ofSeconds(BOUND_SECONDS))
				.untilAsserted(() -> assertThat(cache.async().get("k", Pet.class).get(BOUND_SECONDS, TimeUnit.SECONDS))
					.contains(new Pet("Rex", 3)));
		}
		finally {
			unopened.destroy();
			writer.flushPrefix();
		}
	}

	@Test
	void remember_serverFrozen_failOpenOff_failsAsTheBlockingRemember_withoutCallingTheLoader() throws Exception {
		RedisCache cache = cache(CacheConfig.builder().keyPrefix("async-closed").failOpen(false));
		AtomicInteger loads = new AtomicInteger();
		signal("-STOP");
		try {
			CompletableFuture<String> remembered = notDone(cache.async()
				.remember("r", Duration.ZERO, String.class,
						() -> CompletableFuture.completedFuture("loaded-" + loads.incrementAndGet())));
			Class<?> blockingType = assertThatExceptionOfType(DataAccessException.class)
				.isThrownBy(() -> cache.remember("r", Duration.ZERO, String.class, () -> "x"))
				.actual()
				.getClass();
			assertThatExceptionOfType(Exception.class).isThrownBy(() -> remembered.get(BOUND_SECONDS, TimeUnit.SECONDS))
				.havingCause()
				.isExactlyInstanceOf(blockingType);
		}
		finally {
			signal("-CONT");
		}
		assertThat(loads).hasValue(0);
	}

	// ---------------------------------------------------------------- helpers

	private static <F extends CompletableFuture<?>> F notDone(F future) {
		assertThat(future.isDone()).as("returned before Redis answered").isFalse();
		return future;
	}

	static boolean isLettuceThread(String name) {
		return name.startsWith("lettuce-");
	}

	private static void signal(String signal) throws IOException, InterruptedException {
		if (!server.isRunning()) {
			return;
		}
		Process kill = new ProcessBuilder("kill", signal, Long.toString(server.pid())).start();
		assertThat(kill.waitFor(5, TimeUnit.SECONDS)).isTrue();
	}

	record Pet(String name, int age) {
	}

	static final class CountingRecorder implements CacheMetricsRecorder {

		final AtomicInteger hits = new AtomicInteger();

		final AtomicInteger puts = new AtomicInteger();

		final AtomicInteger loads = new AtomicInteger();

		final AtomicInteger failOpen = new AtomicInteger();

		@Override
		public void recordGets(String prefix, int hits, int misses) {
			this.hits.addAndGet(hits);
		}

		@Override
		public void recordPuts(String prefix, int count) {
			this.puts.addAndGet(count);
		}

		@Override
		public void recordLoad(String prefix, boolean success, long durationNanos) {
			this.loads.incrementAndGet();
		}

		@Override
		public void recordFailOpen(String prefix, Throwable failure) {
			this.failOpen.incrementAndGet();
		}

	}

}
