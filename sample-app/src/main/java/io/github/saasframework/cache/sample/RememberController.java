package io.github.saasframework.cache.sample;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The remember pattern over HTTP, with the time each call took so the cache is visible.
 */
@RestController
class RememberController {

	private static final String CITY = "[A-Za-z][A-Za-z -]{0,39}";

	private final ProductService products;

	private final WeatherService weather;

	RememberController(ProductService products, WeatherService weather) {
		this.products = products;
		this.weather = weather;
	}

	@GetMapping("/api/products/{id}")
	Map<String, Object> product(@PathVariable long id) {
		long start = System.nanoTime();
		ProductService.Product product = this.products.find(id);
		return timed(product, start, "lookups", this.products.lookups());
	}

	@PutMapping("/api/products/{id}")
	ProductService.Product rename(@PathVariable long id, @RequestParam String name) {
		return this.products.rename(id, name);
	}

	@GetMapping("/api/weather/{city}")
	Map<String, Object> weather(@PathVariable String city) {
		if (!city.matches(CITY)) {
			throw new IllegalArgumentException("city must be letters, spaces or dashes, at most 40: '" + city + "'");
		}
		long start = System.nanoTime();
		WeatherService.Forecast forecast = this.weather.forecast(city.toLowerCase());
		return timed(forecast, start, "upstreamCalls", this.weather.upstreamCalls());
	}

	private static Map<String, Object> timed(Object value, long start, String counterName, int counter) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("value", value);
		body.put("tookMillis", (System.nanoTime() - start) / 1_000_000);
		body.put(counterName, counter);
		return body;
	}

}
