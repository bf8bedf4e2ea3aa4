package io.github.saasframework.cache.webflux;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import io.github.saasframework.cache.Cache;
import io.github.saasframework.cache.reactive.ReactiveCache;
import io.github.saasframework.cache.test.AutoConfigureTestRedis;
import io.github.saasframework.cache.webflux.BookApplication.Book;
import io.github.saasframework.cache.webflux.BookApplication.BookService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.blockhound.BlockingOperationError;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * With BlockHound installed (see {@link RecordingBlockHoundIntegration}), the library's
 * non-blocking paths make no blocking call on Reactor's or Lettuce's threads: each call
 * below is made on a Reactor {@code parallel} thread, and the values the methods emit
 * arrive on such threads too, so Spring's cache interceptor writes from there.
 */
@SpringBootTest(classes = BookApplication.class, properties = "app.cache.key-prefix=blockhound")
@AutoConfigureTestRedis
class NoBlockingCallTests {

	private static final Duration BOUND = Duration.ofSeconds(15);

	@Autowired
	private BookService books;

	@Autowired
	private ReactiveCache reactive;

	@Autowired
	private Cache cache;

	@Autowired
	private StringRedisTemplate redis;

	@BeforeEach
	void clearFindings() {
		// no warm-up read: the connection opens off the caller's thread (AsyncCacheTests)
		RecordingBlockHoundIntegration.clear();
	}

	@AfterEach
	void cleanUp() {
		this.redis.delete(this.redis.keys("blockhound:*"));
	}

	@Test
	void blockHoundIsInstalled_andSeesABlockingCallOnAReactorThread() {
		// a call that always parks (a blocking cache call whose reply is already there
		// when it waits does not, which made this check flaky)
		assertThatExceptionOfType(RuntimeException.class).isThrownBy(() -> onParallel(() -> {
			try {
				Thread.sleep(5);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return Mono.just(1);
		})).satisfies((ex) -> assertThat(Exceptions.unwrap(ex)).isInstanceOf(BlockingOperationError.class));
		assertThat(RecordingBlockHoundIntegration.FOUND).isNotEmpty();
	}

	@Test
	void noBlockingCallOnReactorOrLettuceThreads() {
		for (int round = 0; round < 2; round++) {
			// Spring's @Cacheable, plain and sync, on Mono and Flux methods
			assertThat(onParallel(() -> this.books.find(1))).isEqualTo(new Book(1, "title-1"));
			assertThat(onParallel(() -> this.books.findOnce(2))).isEqualTo(new Book(2, "once-2"));
			assertThat(onParallel(() -> this.books.shelf("s").collectList())).containsExactly(new Book(1, "s-1"),
					new Book(2, "s-2"));
			// @Remember and @WithLock on Mono methods
			assertThat(onParallel(() -> this.books.rating(3))).isEqualTo(4);
			assertThat(onParallel(() -> this.books.save(new Book(4, "x")))).isEqualTo(new Book(4, "x"));
			// the ReactiveCache and the AsyncCache
			assertThat(onParallel(() -> this.reactive.set("r", new Book(5, "r")).thenReturn(true))).isTrue();
			assertThat(onParallel(() -> this.reactive.get("r", Book.class))).isEqualTo(new Book(5, "r"));
			assertThat(onParallel(() -> this.reactive.getAll(List.of("r", "none"), Book.class))).hasSize(1);
			assertThat(onParallel(() -> this.reactive.remember("m", Duration.ofMinutes(1), Book.class,
					() -> Mono.delay(Duration.ofMillis(5)).map((tick) -> new Book(6, "m")))))
				.isEqualTo(new Book(6, "m"));
			assertThat(onParallel(() -> this.reactive
				.rememberMany("many", Duration.ofMinutes(1), Book.class,
						() -> Flux.just(new Book(7, "a")).delayElements(Duration.ofMillis(5)))
				.collectList())).containsExactly(new Book(7, "a"));
			assertThat(onParallel(() -> Mono.fromFuture(this.cache.async()
				.remember("f", Duration.ofMinutes(1), String.class,
						() -> CompletableFuture.supplyAsync(() -> "future")))))
				.isEqualTo("future");
			assertThat(onParallel(() -> this.reactive.increment("n", 1))).isPositive();
			assertThat(onParallel(() -> this.reactive.delete("r"))).isTrue();
		}
		assertThat(this.books.calls()).as("the second round was served from the cache").hasValue(4);
		assertThat(RecordingBlockHoundIntegration.FOUND).isEmpty();
	}

	/** Subscribes on a Reactor parallel thread (non-blocking) and waits on the test's. */
	private static <T> T onParallel(Supplier<Mono<T>> call) {
		return Mono.defer(call).subscribeOn(Schedulers.parallel()).block(BOUND);
	}

}
