package io.github.saasframework.cache.sample;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.cache.annotation.CacheConfig;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.CachePut;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.stereotype.Service;

/**
 * Spring's own caching annotations on this library's {@code CacheManager}: no Java cache
 * configuration, the TTL of the {@code books} cache comes from {@code application.yml}
 * ({@code app.cache.caches.books.ttl}). Entries are {@code sample:books:<id>}, plain
 * JSON, readable by {@code cache.withPrefix("books").get(id, Book.class)} and by Go.
 */
@Service
@CacheConfig(cacheNames = "books")
class BookCatalog {

	private final Duration delay;

	private final AtomicInteger lookups = new AtomicInteger();

	BookCatalog(@Value("${sample.slow-lookup-delay:1s}") Duration delay) {
		this.delay = delay;
	}

	/** A slow lookup, run once per id across all instances while the entry lives. */
	@Cacheable(sync = true)
	public Book find(long id) {
		this.lookups.incrementAndGet();
		ProductService.sleep(this.delay);
		return new Book(id, "Book " + id, "Author " + (id % 7));
	}

	@CachePut(key = "#id")
	public Book retitle(long id, String title) {
		return new Book(id, title, "Author " + (id % 7));
	}

	@CacheEvict(allEntries = true)
	public void evictAll() {
	}

	public int lookups() {
		return this.lookups.get();
	}

	record Book(long id, String title, String author) {
	}

}
