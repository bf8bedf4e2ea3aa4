package io.github.saasframework.cache.sample;

import io.github.saasframework.cache.Cache;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The Go package's counter operations: atomic increment, decrement and float increment.
 */
@RestController
@RequestMapping("/api/counters/{name}")
class CounterController {

	private static final String NAME = "[A-Za-z0-9._:-]{1,64}";

	private final Cache cache;

	CounterController(Cache cache) {
		this.cache = cache;
	}

	@PostMapping("/increment")
	CounterValue increment(@PathVariable String name, @RequestParam(defaultValue = "1") long by) {
		return new CounterValue(name, this.cache.incrementBy(key(name), by));
	}

	@PostMapping("/decrement")
	CounterValue decrement(@PathVariable String name, @RequestParam(defaultValue = "1") long by) {
		return new CounterValue(name, this.cache.decrementBy(key(name), by));
	}

	@PostMapping("/add")
	CounterValue add(@PathVariable String name, @RequestParam double amount) {
		return new CounterValue(name, this.cache.incrementFloat(key(name), amount));
	}

	@GetMapping
	CounterValue get(@PathVariable String name) {
		return new CounterValue(name, this.cache.get(key(name), String.class).orElse("0"));
	}

	private static String key(String name) {
		if (!name.matches(NAME)) {
			throw new IllegalArgumentException("counter name must be 1 to 64 letters, digits, '.', '_', ':' or '-'");
		}
		return "counter:" + name;
	}

	/** A response body; a record keeps the JSON fields in this order. */
	record CounterValue(String counter, Object value) {
	}

}
