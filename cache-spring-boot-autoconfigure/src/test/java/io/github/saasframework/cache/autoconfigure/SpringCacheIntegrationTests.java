package io.github.saasframework.cache.autoconfigure;

import io.github.saasframework.cache.spring.RedisSpringCacheManager;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.saasframework.cache.Cache;
import io.github.saasframework.cache.testsupport.RedisServerExtension;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.cache.actuate.endpoint.CachesEndpoint;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.CachePut;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.RedisConnection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Spring's {@code @Cacheable}, {@code @CachePut} and {@code @CacheEvict} on the starter's
 * {@code CacheManager}, in a whole Spring Boot application with no Java cache
 * configuration, on the shared test {@code redis-server}.
 */
@ExtendWith(RedisServerExtension.class)
@SpringBootTest(classes = SpringCacheIntegrationTests.TestApplication.class,
		properties = { "app.cache.key-prefix=" + SpringCacheIntegrationTests.PREFIX,
				"spring.cache.cache-names=books,authors", "app.cache.caches.books.ttl=5m",
				"app.cache.caches.nullable.cache-nulls=true" })
class SpringCacheIntegrationTests {

	static final String PREFIX = "springcache-it";

	@Autowired
	private Cache cache;

	@Autowired
	private CacheManager cacheManager;

	@Autowired
	private BookService books;

	@Autowired
	private MeterRegistry meters;

	@BeforeEach
	@AfterEach
	void cleanUp() {
		TestRedis.flush(PREFIX);
		this.books.calls().set(0);
	}

	@Test
	void theStarterProvidesTheCacheManager_withTheCachesNamedAtStartup() {
		assertThat(this.cacheManager).isInstanceOf(RedisSpringCacheManager.class);
		assertThat(this.cacheManager.getCacheNames()).contains("books", "authors", "nullable");
		// caches show in Actuator's caches endpoint
		CachesEndpoint endpoint = new CachesEndpoint(Map.of("cacheManager", this.cacheManager));
		assertThat(endpoint.caches().getCacheManagers().get("cacheManager").getCaches()).containsKeys("books",
				"authors");
	}

	@Test
	void cacheable_runsTheMethodOnce_andStoresPlainJsonUnderPrefixNameKey() {
		Book first = this.books.find(1);
		Book second = this.books.find(1);
		assertThat(second).isEqualTo(first).isEqualTo(new Book(1, "title-1"));
		assertThat(this.books.calls()).hasValue(1);
		assertThat(raw(PREFIX + ":books:1")).isEqualTo("{\"id\":1,\"title\":\"title-1\"}");
	}

	/**
	 * A key holding another type (a hash): an error reply is a bug to report, not an
	 * outage, so the plain {@code @Cacheable} method throws (through the starter's error
	 * handler, the one fault policy) instead of running as if Redis were down.
	 */
	@Test
	void cacheable_keyHoldingAHash_throwsInsteadOfRunningTheMethod() {
		try (RedisConnection connection = RedisServerExtension.connectionFactory().getConnection()) {
			connection.hashCommands()
				.hSet((PREFIX + ":books:13").getBytes(StandardCharsets.UTF_8), bytes("name"), bytes("ada"));
		}
		assertThatExceptionOfType(DataAccessException.class).isThrownBy(() -> this.books.find(13))
			.satisfies((ex) -> assertThat(ex).hasStackTraceContaining("WRONGTYPE"));
		assertThatExceptionOfType(DataAccessException.class).isThrownBy(() -> this.books.findSync(13))
			.satisfies((ex) -> assertThat(ex).hasStackTraceContaining("WRONGTYPE"));
		assertThat(this.books.calls()).as("the method never ran").hasValue(0);
	}

	@Test
	void cacheBeanAndCacheable_readEachOthersEntries() {
		this.books.find(1);
		assertThat(this.cache.withPrefix("books").get("1", Book.class)).contains(new Book(1, "title-1"));
		this.cache.withPrefix("books").set("7", new Book(7, "written by the Cache bean"));
		assertThat(this.books.find(7)).isEqualTo(new Book(7, "written by the Cache bean"));
		assertThat(this.books.calls()).hasValue(1);
	}

	@Test
	void genericReturnTypes_comeBackAsDeclared() {
		this.books.byAuthor("ada");
		List<Book> cached = this.books.byAuthor("ada");
		assertThat(this.books.calls()).hasValue(1);
		assertThat(cached).containsExactly(new Book(1, "ada-1"), new Book(2, "ada-2"));
		assertThat(this.cache.withPrefix("authors").get("ada", new ParameterizedTypeReference<List<Book>>() {
		})).contains(cached);
	}

	@Test
	void optional_storesTheValue_andEmptyIsNotStored() {
		assertThat(this.books.maybe(3)).contains(new Book(3, "title-3"));
		assertThat(this.books.maybe(3)).contains(new Book(3, "title-3"));
		assertThat(raw(PREFIX + ":maybe:3")).isEqualTo("{\"id\":3,\"title\":\"title-3\"}");
		assertThat(this.books.maybe(-1)).isEmpty();
		assertThat(this.books.maybe(-1)).isEmpty();
		assertThat(this.books.calls()).hasValue(3);
		assertThat(this.cache.exists("maybe:-1")).isZero();
	}

	@Test
	void strings_areStoredRaw() {
		assertThat(this.books.title(5)).isEqualTo("title-5");
		assertThat(this.books.title(5)).isEqualTo("title-5");
		assertThat(this.books.calls()).hasValue(1);
		assertThat(raw(PREFIX + ":titles:5")).isEqualTo("title-5");
	}

	@Test
	void perCacheTtl_fromProperties_elseTheDefaultTtl() {
		this.books.find(1);
		this.books.title(1);
		assertThat(this.cache.getTtl("books:1"))
			.hasValueSatisfying((ttl) -> assertThat(ttl).isGreaterThan(Duration.ofMinutes(4))
				.isLessThanOrEqualTo(Duration.ofMinutes(5)));
		assertThat(this.cache.getTtl("titles:1"))
			.hasValueSatisfying((ttl) -> assertThat(ttl).isGreaterThan(Duration.ofMinutes(59))
				.isLessThanOrEqualTo(Duration.ofHours(1)));
	}

	@Test
	void cachePut_replacesTheEntry_andCacheEvict_removesIt() {
		this.books.find(1);
		this.books.update(new Book(1, "renamed"));
		assertThat(this.books.find(1)).isEqualTo(new Book(1, "renamed"));
		assertThat(this.books.calls()).hasValue(1);
		this.books.evict(1);
		assertThat(this.cache.exists("books:1")).isZero();
		this.books.find(1);
		assertThat(this.books.calls()).hasValue(2);
	}

	@Test
	void evictAllEntries_removesThatCachesKeysOnly() {
		for (int i = 0; i < 30; i++) {
			this.books.find(i);
		}
		this.books.title(1);
		this.cache.set("books-not-a-cache-entry", "kept");
		this.cache.set("booksX:1", "kept");
		this.books.evictAll();
		assertThat(this.cache.keys("books:*")).isEmpty();
		assertThat(this.cache.exists("titles:1", "books-not-a-cache-entry", "booksX:1")).isEqualTo(3);
	}

	@Test
	void nullResult_isAMarkerOnlyWithCacheNulls() {
		assertThat(this.books.none(1)).isNull();
		assertThat(this.books.none(1)).isNull();
		assertThat(this.books.calls()).as("the null marker is a hit").hasValue(1);
		assertThat(this.cache.exists("nullable:1")).isOne();
		assertThat(this.books.noneUncached(1)).isNull();
		assertThat(this.books.noneUncached(1)).isNull();
		assertThat(this.books.calls()).as("without cache-nulls nothing is stored").hasValue(3);
		assertThat(this.cache.exists("titles:none-1")).isZero();
	}

	@Test
	void completableFutureMethods_cacheTheirValue() throws Exception {
		assertThat(this.books.async(4).get(5, TimeUnit.SECONDS)).isEqualTo(new Book(4, "title-4"));
		assertThat(this.books.async(4).get(5, TimeUnit.SECONDS)).isEqualTo(new Book(4, "title-4"));
		assertThat(this.books.asyncSync(5).get(5, TimeUnit.SECONDS)).isEqualTo(new Book(5, "title-5"));
		assertThat(this.books.asyncSync(5).get(5, TimeUnit.SECONDS)).isEqualTo(new Book(5, "title-5"));
		assertThat(this.books.calls()).hasValue(2);
		assertThat(this.cache.withPrefix("futures").get("4", Book.class)).contains(new Book(4, "title-4"));
		assertThat(this.cache.withPrefix("futures").get("sync-5", Book.class)).contains(new Book(5, "title-5"));
	}

	@Test
	void syncCacheable_loadsOnce_andStores() {
		assertThat(this.books.findSync(9)).isEqualTo(new Book(9, "title-9"));
		assertThat(this.books.findSync(9)).isEqualTo(new Book(9, "title-9"));
		assertThat(this.books.calls()).hasValue(1);
		assertThat(this.cache.withPrefix("books").get("9", Book.class)).contains(new Book(9, "title-9"));
	}

	@Test
	void programmaticCache_putIfAbsentIsAtomic_andUntypedGetReadsJsonAsObject() {
		org.springframework.cache.Cache books = this.cacheManager.getCache("books");
		assertThat(books.putIfAbsent(1, new Book(1, "first"))).isNull();
		org.springframework.cache.Cache.ValueWrapper existing = books.putIfAbsent(1, new Book(1, "second"));
		assertThat(existing).isNotNull();
		assertThat(existing.get()).isEqualTo(Map.of("id", 1, "title", "first"));
		assertThat(books.get(1, Book.class)).isEqualTo(new Book(1, "first"));
		assertThat(books.get(2)).isNull();
		this.books.title(3);
		assertThat(this.cacheManager.getCache("titles").get(3)).extracting((wrapper) -> wrapper.get())
			.isEqualTo("title-3");
		assertThat(books.evictIfPresent(1)).isTrue();
		assertThat(books.evictIfPresent(1)).isFalse();
	}

	@Test
	void meters_areTaggedWithTheCacheName() {
		double hits = count("cache.gets", "books", "hit");
		double misses = count("cache.gets", "books", "miss");
		double puts = count("cache.puts", "books", null);
		double evictions = count("cache.evictions", "books", null);
		this.books.find(1);
		this.books.find(1);
		this.books.evict(1);
		assertThat(count("cache.gets", "books", "hit")).isEqualTo(hits + 1);
		assertThat(count("cache.gets", "books", "miss")).isEqualTo(misses + 1);
		assertThat(count("cache.puts", "books", null)).isEqualTo(puts + 1);
		assertThat(count("cache.evictions", "books", null)).isEqualTo(evictions + 1);
	}

	private double count(String name, String cacheName, String result) {
		var search = this.meters.find(name).tag("cache", cacheName);
		if (result != null) {
			search = search.tag("result", result);
		}
		var counter = search.counter();
		return (counter != null) ? counter.count() : 0;
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static String raw(String key) {
		try (RedisConnection connection = RedisServerExtension.connectionFactory().getConnection()) {
			byte[] bytes = connection.stringCommands().get(key.getBytes(StandardCharsets.UTF_8));
			return (bytes != null) ? new String(bytes, StandardCharsets.UTF_8) : null;
		}
	}

	record Book(long id, String title) {
	}

	static class BookService {

		final AtomicInteger calls = new AtomicInteger();

		public AtomicInteger calls() {
			return this.calls;
		}

		@Cacheable("books")
		public Book find(long id) {
			this.calls.incrementAndGet();
			return new Book(id, "title-" + id);
		}

		@Cacheable(cacheNames = "books", sync = true)
		public Book findSync(long id) {
			this.calls.incrementAndGet();
			return new Book(id, "title-" + id);
		}

		@Cacheable("authors")
		public List<Book> byAuthor(String author) {
			this.calls.incrementAndGet();
			return List.of(new Book(1, author + "-1"), new Book(2, author + "-2"));
		}

		@Cacheable("maybe")
		public Optional<Book> maybe(long id) {
			this.calls.incrementAndGet();
			return (id < 0) ? Optional.empty() : Optional.of(new Book(id, "title-" + id));
		}

		@Cacheable("titles")
		public String title(long id) {
			this.calls.incrementAndGet();
			return "title-" + id;
		}

		@Cacheable("nullable")
		public Book none(long id) {
			this.calls.incrementAndGet();
			return null;
		}

		@Cacheable(cacheNames = "titles", key = "'none-' + #id")
		public Book noneUncached(long id) {
			this.calls.incrementAndGet();
			return null;
		}

		@Cacheable("futures")
		public CompletableFuture<Book> async(long id) {
			this.calls.incrementAndGet();
			return CompletableFuture.supplyAsync(() -> new Book(id, "title-" + id));
		}

		@Cacheable(cacheNames = "futures", key = "'sync-' + #id", sync = true)
		public CompletableFuture<Book> asyncSync(long id) {
			this.calls.incrementAndGet();
			return CompletableFuture.supplyAsync(() -> new Book(id, "title-" + id));
		}

		@CachePut(cacheNames = "books", key = "#book.id")
		public Book update(Book book) {
			return book;
		}

		@CacheEvict("books")
		public void evict(long id) {
		}

		@CacheEvict(cacheNames = "books", allEntries = true)
		public void evictAll() {
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@EnableCaching
	@Import(BookService.class)
	static class TestApplication {

		@Bean
		DataRedisConnectionDetails redisConnectionDetails() {
			return TestRedis.connectionDetails();
		}

		@Bean
		MeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

	}

}
