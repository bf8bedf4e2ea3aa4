package io.github.saasframework.cache.autoconfigure;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.saasframework.cache.testsupport.RedisServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageImpl;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Pageable;
import org.springframework.data.domain.Slice;
import org.springframework.data.domain.SliceImpl;
import org.springframework.data.domain.Sort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 22: a Spring Data repository-style {@code @Cacheable} method returning
 * {@code Page<T>} answered HTTP 500 on its second call (the page written as JSON could
 * not be read back). In a whole Spring Boot application with the starter's
 * {@code CacheManager} and nothing configured for pages, the second call is a hit with
 * equal content and paging, for a {@code Page} and a {@code Slice}.
 */
@ExtendWith(RedisServerExtension.class)
@SpringBootTest(classes = SpringDataPageCachingIntegrationTests.TestApplication.class,
		properties = "app.cache.key-prefix=" + SpringDataPageCachingIntegrationTests.PREFIX)
class SpringDataPageCachingIntegrationTests {

	static final String PREFIX = "pages-it";

	@Autowired
	private BookRepository books;

	@BeforeEach
	@AfterEach
	void cleanUp() {
		TestRedis.flush(PREFIX);
		this.books.calls().set(0);
	}

	@Test
	void pageMethod_hitsOnItsSecondCall_withEqualContentAndPaging() {
		Pageable request = PageRequest.of(1, 2, Sort.by("title").descending());
		Page<Book> first = this.books.findAll(request);
		Page<Book> second = this.books.findAll(request);
		assertThat(this.books.calls()).as("the second call is a hit").hasValue(1);
		assertThat(second.getContent()).isEqualTo(first.getContent())
			.containsExactly(new Book(3, "c"), new Book(4, "d"));
		assertThat(second.getNumber()).isEqualTo(1);
		assertThat(second.getSize()).isEqualTo(2);
		assertThat(second.getTotalElements()).isEqualTo(42);
		assertThat(second.getTotalPages()).isEqualTo(21);
		assertThat(second.getSort()).isEqualTo(Sort.by("title").descending());
		assertThat(second).isEqualTo(first);
	}

	@Test
	void sliceMethod_hitsOnItsSecondCall() {
		Slice<Book> first = this.books.slice(0, 2);
		Slice<Book> second = this.books.slice(0, 2);
		assertThat(this.books.calls()).hasValue(1);
		assertThat(second.getContent()).isEqualTo(first.getContent());
		assertThat(second.hasNext()).isTrue();
		assertThat(second.getNumber()).isZero();
		assertThat(second.getSize()).isEqualTo(2);
	}

	record Book(long id, String title) {
	}

	static class BookRepository {

		private final AtomicInteger calls = new AtomicInteger();

		public AtomicInteger calls() {
			return this.calls;
		}

		@Cacheable("book-pages")
		public Page<Book> findAll(Pageable pageable) {
			this.calls.incrementAndGet();
			return new PageImpl<>(List.of(new Book(3, "c"), new Book(4, "d")), pageable, 42);
		}

		@Cacheable("book-slices")
		public Slice<Book> slice(int number, int size) {
			this.calls.incrementAndGet();
			return new SliceImpl<>(List.of(new Book(1, "a"), new Book(2, "b")), PageRequest.of(number, size), true);
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@EnableCaching
	@Import(BookRepository.class)
	static class TestApplication {

		@Bean
		DataRedisConnectionDetails redisConnectionDetails() {
			return TestRedis.connectionDetails();
		}

	}

}
