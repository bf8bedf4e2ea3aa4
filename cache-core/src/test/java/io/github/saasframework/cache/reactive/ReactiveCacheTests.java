package io.github.saasframework.cache.reactive;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.saasframework.cache.CacheConfig;
import io.github.saasframework.cache.RedisCache;
import io.github.saasframework.cache.testsupport.RedisServerExtension;
import io.github.saasframework.cache.testsupport.RedisServerProcess;
import io.github.saasframework.cache.testsupport.RedisTemplates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * {@link ReactiveCache} on a {@code redis-server} of the test's own: lazy (nothing is
 * sent before a subscription), the same entries as the blocking API, one load per key,
 * {@code Flux} values as JSON arrays, and no blocking subscription while the server is
 * frozen.
 */
class ReactiveCacheTests {

	private static final Duration BOUND = Duration.ofSeconds(10);

	private static RedisServerProcess server;

	private static LettuceConnectionFactory factory;

	@BeforeAll
	static void startServer() {
		server = RedisServerProcess.start();
		factory = RedisServerExtension.connectionFactory(server, Duration.ofMillis(500));
	}

	@AfterAll
	static void stopServer() {
		factory.destroy();
		server.stop();
	}

	@Test
	void monosAreLazy_andReadWhatTheBlockingApiWrites_onRootAndPrefix() {
		try (RedisCache cache = RedisCache.create(factory, CacheConfig.builder().keyPrefix("reactive").build())) {
			ReactiveCache reactive = ReactiveCache.of(cache);
			Mono<Void> notSubscribed = reactive.set("lazy", "v");
			assertThat(cache.exists("lazy")).as("nothing is sent before a subscription").isZero();
			notSubscribed.block(BOUND);
			assertThat(cache.get("lazy", String.class)).contains("v");
			for (ReactiveCache target : List.of(reactive, reactive.withPrefix("books"))) {
				target.set("b", new Book(1, "Dune")).block(BOUND);
				assertThat(target.get("b", Book.class).block(BOUND)).isEqualTo(new Book(1, "Dune"));
				assertThat(target.get("absent", Book.class).blockOptional(BOUND)).isEmpty();
				assertThat(target.getAll(List.of("b", "absent"), Book.class).block(BOUND))
					.containsExactly(Map.entry("b", new Book(1, "Dune")));
				assertThat(target.increment("n", 2).block(BOUND)).isEqualTo(2);
				assertThat(target.delete("b").block(BOUND)).isTrue();
			}
			assertThat(cache.withPrefix("books").get("n", Long.class)).contains(2L);
			assertThatIllegalArgumentException().isThrownBy(() -> reactive.get("", String.class))
				.withMessageContaining("key");
			cache.flushPrefix();
		}
	}

	@Test
	void remember_loadsOncePerKey_onLoaderThreads_andStoresPlainJson() {
		try (RedisCache cache = RedisCache.create(factory, CacheConfig.builder().keyPrefix("reactive-r").build())) {
			ReactiveCache reactive = ReactiveCache.of(cache);
			AtomicInteger loads = new AtomicInteger();
			Set<String> threads = ConcurrentHashMap.newKeySet();
			Mono<Book> remembered = reactive.remember("b", Duration.ofMinutes(1), Book.class, () -> {
				loads.incrementAndGet();
				threads.add(Thread.currentThread().getName());
				return Mono.delay(Duration.ofMillis(200)).map((tick) -> new Book(2, "Emma"));
			});
			assertThat(loads).as("lazy").hasValue(0);
			List<Book> results = Flux.merge(remembered, remembered, remembered).collectList().block(BOUND);
			assertThat(results).containsOnly(new Book(2, "Emma")).hasSize(3);
			assertThat(loads).hasValue(1);
			assertThat(threads).allMatch((name) -> name.startsWith("cache-loader"));
			RedisTemplate<String, byte[]> template = RedisTemplates.bytes(factory);
			assertThat(new String(template.opsForValue().get("reactive-r:b"), StandardCharsets.UTF_8))
				.isEqualTo("{\"id\":2,\"title\":\"Emma\"}");
			// an empty loader stores nothing and completes empty
			assertThat(reactive.remember("empty", Duration.ZERO, Book.class, Mono::empty).blockOptional(BOUND))
				.isEmpty();
			assertThat(cache.exists("empty")).isZero();
			cache.flushPrefix();
		}
	}

	@Test
	void rememberMany_storesTheElementsAsAJsonArray_andEmitsThemOnHits() {
		try (RedisCache cache = RedisCache.create(factory, CacheConfig.builder().keyPrefix("reactive-m").build())) {
			ReactiveCache reactive = ReactiveCache.of(cache);
			AtomicInteger loads = new AtomicInteger();
			Flux<Book> books = reactive.rememberMany("all", Duration.ofMinutes(1), Book.class, () -> {
				loads.incrementAndGet();
				return Flux.just(new Book(1, "a"), new Book(2, "b"));
			});
			assertThat(books.collectList().block(BOUND)).containsExactly(new Book(1, "a"), new Book(2, "b"));
			assertThat(books.collectList().block(BOUND)).containsExactly(new Book(1, "a"), new Book(2, "b"));
			assertThat(loads).hasValue(1);
			assertThat(cache.get("all", new ParameterizedTypeReference<List<Book>>() {
			})).contains(List.of(new Book(1, "a"), new Book(2, "b")));
			assertThat(new String(RedisTemplates.bytes(factory).opsForValue().get("reactive-m:all"),
					StandardCharsets.UTF_8))
				.isEqualTo("[{\"id\":1,\"title\":\"a\"},{\"id\":2,\"title\":\"b\"}]");
			cache.flushPrefix();
		}
	}

	@Test
	void subscriptions_serverFrozen_returnAtOnce_andSignalTheBlockingApisError() throws Exception {
		try (RedisCache cache = RedisCache.create(factory,
				CacheConfig.builder().keyPrefix("reactive-stall").failOpen(true).build())) {
			ReactiveCache reactive = ReactiveCache.of(cache);
			signal("-STOP");
			try {
				CompletableFuture<Book> get = reactive.get("b", Book.class).toFuture();
				CompletableFuture<Void> set = reactive.set("b", new Book(1, "x")).toFuture();
				CompletableFuture<Book> remembered = reactive
					.remember("r", Duration.ZERO, Book.class, () -> Mono.just(new Book(3, "loaded")))
					.toFuture();
				assertThat(get.isDone()).as("subscribing returned before Redis answered").isFalse();
				assertThat(set.isDone()).isFalse();
				assertThat(remembered.isDone()).isFalse();
				Class<?> blockingType = assertThatExceptionOfType(DataAccessException.class)
					.isThrownBy(() -> cache.get("b", Book.class))
					.actual()
					.getClass();
				for (CompletableFuture<?> future : List.of(get, set)) {
					assertThatExceptionOfType(Exception.class)
						.isThrownBy(() -> future.get(BOUND.toSeconds(), TimeUnit.SECONDS))
						.havingCause()
						.isExactlyInstanceOf(blockingType);
				}
				assertThat(remembered.get(BOUND.toSeconds(), TimeUnit.SECONDS)).isEqualTo(new Book(3, "loaded"));
			}
			finally {
				signal("-CONT");
			}
		}
	}

	private static void signal(String signal) throws IOException, InterruptedException {
		Process kill = new ProcessBuilder("kill", signal, Long.toString(server.pid())).start();
		assertThat(kill.waitFor(5, TimeUnit.SECONDS)).isTrue();
	}

	record Book(int id, String title) {
	}

}
