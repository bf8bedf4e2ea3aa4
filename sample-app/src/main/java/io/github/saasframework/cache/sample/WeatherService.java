package io.github.saasframework.cache.sample;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.saasframework.cache.Cache;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;

/**
 * The Go package's "API response caching" example with the programmatic
 * {@code cache.remember}: a slow upstream call cached for 30 minutes.
 */
@Service
class WeatherService {

	private final Cache cache;

	private final Duration delay;

	private final AtomicInteger upstreamCalls = new AtomicInteger();

	WeatherService(Cache cache, @Value("${sample.slow-lookup-delay:1s}") Duration delay) {
		this.cache = cache;
		this.delay = delay;
	}

	Forecast forecast(String city) {
		return this.cache.remember("weather:" + city, Duration.ofMinutes(30), Forecast.class, () -> {
			this.upstreamCalls.incrementAndGet();
			ProductService.sleep(this.delay);
			return new Forecast(city, 18 + Math.abs(city.hashCode() % 10), "partly cloudy");
		});
	}

	int upstreamCalls() {
		return this.upstreamCalls.get();
	}

	record Forecast(String city, int celsius, String sky) {
	}

}
