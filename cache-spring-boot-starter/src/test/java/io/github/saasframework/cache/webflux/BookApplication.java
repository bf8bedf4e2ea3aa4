package io.github.saasframework.cache.webflux;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.saasframework.cache.annotation.Remember;
import io.github.saasframework.cache.annotation.WithLock;
import io.github.saasframework.cache.reactive.ReactiveCache;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * A small WebFlux application on the starter, the one {@code docs/reactive.md} shows:
 * cached {@code Mono} and {@code Flux} endpoints through {@code @Cacheable},
 * {@code @Remember} and {@code @WithLock} on {@code Mono} methods, and the
 * {@link ReactiveCache} bean.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
@EnableCaching
@Import({ BookApplication.BookService.class, BookApplication.BookController.class })
class BookApplication {

	record Book(long id, String title) {
	}

	static class BookService {

		private final AtomicInteger calls = new AtomicInteger();

		AtomicInteger calls() {
			return this.calls;
		}

		@Cacheable("books")
		public Mono<Book> find(long id) {
			this.calls.incrementAndGet();
			// stands for a call to a slow backend (WebClient, R2DBC, ...)
			return Mono.delay(Duration.ofMillis(20)).map((tick) -> new Book(id, "title-" + id));
		}

		@Cacheable(cacheNames = "books-once", sync = true)
		public Mono<Book> findOnce(long id) {
			this.calls.incrementAndGet();
			return Mono.delay(Duration.ofMillis(20)).map((tick) -> new Book(id, "once-" + id));
		}

		@Cacheable("shelves")
		public Flux<Book> shelf(String name) {
			this.calls.incrementAndGet();
			return Flux.just(new Book(1, name + "-1"), new Book(2, name + "-2")).delayElements(Duration.ofMillis(5));
		}

		@Remember(key = "'rating:' + #id", ttl = "5m")
		public Mono<Integer> rating(long id) {
			this.calls.incrementAndGet();
			return Mono.delay(Duration.ofMillis(20)).map((tick) -> (int) (id % 5) + 1);
		}

		@WithLock(key = "'lock:book:' + #book.id()")
		public Mono<Book> save(Book book) {
			return Mono.delay(Duration.ofMillis(20)).map((tick) -> book);
		}

	}

	@RestController
	static class BookController {

		private final BookService books;

		private final ReactiveCache cache;

		BookController(BookService books, ReactiveCache cache) {
			this.books = books;
			this.cache = cache;
		}

		@GetMapping("/books/{id}")
		Mono<Book> book(@PathVariable long id) {
			return this.books.find(id);
		}

		@GetMapping("/shelves/{name}")
		Flux<Book> shelf(@PathVariable String name) {
			return this.books.shelf(name);
		}

		@GetMapping("/books/{id}/rating")
		Mono<Integer> rating(@PathVariable long id) {
			return this.books.rating(id);
		}

		@PutMapping("/books/{id}")
		Mono<Book> save(@PathVariable long id, @RequestBody Book book) {
			return this.books.save(book);
		}

		@GetMapping("/views/{id}")
		Mono<Long> views(@PathVariable long id) {
			return this.cache.increment("views:" + id, 1);
		}

	}

}
