package io.github.saasframework.cache.sample;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The {@code @Cacheable} endpoint group: {@code GET /api/books/{id}} (slow on a miss),
 * {@code PUT /api/books/{id}?title=} ({@code @CachePut}), {@code DELETE /api/books}
 * ({@code @CacheEvict(allEntries = true)}).
 */
@RestController
class BookController {

	private final BookCatalog catalog;

	BookController(BookCatalog catalog) {
		this.catalog = catalog;
	}

	@GetMapping("/api/books/{id}")
	Map<String, Object> book(@PathVariable long id) {
		long start = System.nanoTime();
		BookCatalog.Book book = this.catalog.find(id);
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("value", book);
		body.put("tookMillis", (System.nanoTime() - start) / 1_000_000);
		body.put("lookups", this.catalog.lookups());
		return body;
	}

	@PutMapping("/api/books/{id}")
	BookCatalog.Book retitle(@PathVariable long id, @RequestParam String title) {
		if (title.isBlank() || title.length() > 200) {
			throw new IllegalArgumentException("title must be 1 to 200 characters");
		}
		return this.catalog.retitle(id, title);
	}

	@DeleteMapping("/api/books")
	Map<String, Object> evictAll() {
		this.catalog.evictAll();
		return Map.of("evicted", true);
	}

}
