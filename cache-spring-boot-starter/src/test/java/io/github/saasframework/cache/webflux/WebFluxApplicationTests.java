package io.github.saasframework.cache.webflux;

import java.util.List;

import io.github.saasframework.cache.reactive.ReactiveCache;
import io.github.saasframework.cache.test.AutoConfigureTestRedis;
import io.github.saasframework.cache.webflux.BookApplication.Book;
import io.github.saasframework.cache.webflux.BookApplication.BookService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starter in a WebFlux application ({@link BookApplication}), driven through
 * {@link WebTestClient} against a real {@code redis-server}: cached {@code Mono} and
 * {@code Flux} endpoints call the service once and store plain JSON of what it emits;
 * {@code @Remember} and {@code @WithLock} on {@code Mono} methods and the
 * {@link ReactiveCache} bean work in a request.
 */
@SpringBootTest(classes = BookApplication.class, properties = "app.cache.key-prefix=webflux")
@AutoConfigureTestRedis
class WebFluxApplicationTests {

	@Autowired
	private ApplicationContext context;

	@Autowired
	private BookService books;

	@Autowired
	private StringRedisTemplate redis;

	@Autowired
	private ReactiveCache cache;

	private WebTestClient client;

	@BeforeEach
	void client() {
		this.client = WebTestClient.bindToApplicationContext(this.context).build();
		this.books.calls().set(0);
	}

	@AfterEach
	void cleanUp() {
		this.redis.delete(this.redis.keys("webflux:*"));
	}

	@Test
	void cachedMonoEndpointCallsTheServiceOnceAndStoresPlainJson() {
		for (int i = 0; i < 3; i++) {
			this.client.get()
				.uri("/books/1")
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody(Book.class)
				.isEqualTo(new Book(1, "title-1"));
		}
		assertThat(this.books.calls()).hasValue(1);
		assertThat(this.redis.opsForValue().get("webflux:books:1")).isEqualTo("{\"id\":1,\"title\":\"title-1\"}");
		assertThat(this.cache.withPrefix("books").get("1", Book.class).block()).isEqualTo(new Book(1, "title-1"));
	}

	@Test
	void cachedFluxEndpointStoresTheElementsAsAJsonArray() {
		for (int i = 0; i < 2; i++) {
			this.client.get()
				.uri("/shelves/new")
				.exchange()
				.expectStatus()
				.isOk()
				.expectBodyList(Book.class)
				.isEqualTo(List.of(new Book(1, "new-1"), new Book(2, "new-2")));
		}
		assertThat(this.books.calls()).hasValue(1);
		assertThat(this.redis.opsForValue().get("webflux:shelves:new"))
			.isEqualTo("[{\"id\":1,\"title\":\"new-1\"},{\"id\":2,\"title\":\"new-2\"}]");
	}

	@Test
	void rememberWithLockAndTheReactiveCacheServeRequests() {
		for (int i = 0; i < 2; i++) {
			this.client.get().uri("/books/7/rating").exchange().expectBody(Integer.class).isEqualTo(3);
		}
		assertThat(this.books.calls()).hasValue(1);
		assertThat(this.redis.opsForValue().get("webflux:rating:7")).isEqualTo("3");
		this.client.put()
			.uri("/books/2")
			.bodyValue(new Book(2, "saved"))
			.exchange()
			.expectBody(Book.class)
			.isEqualTo(new Book(2, "saved"));
		assertThat(this.redis.hasKey("webflux:lock:book:2")).as("released when the Mono completed").isFalse();
		this.client.get().uri("/views/2").exchange().expectBody(Long.class).isEqualTo(1L);
		this.client.get().uri("/views/2").exchange().expectBody(Long.class).isEqualTo(2L);
	}

}
