package io.github.saasframework.cache.sample;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.saasframework.cache.annotation.Forget;
import io.github.saasframework.cache.annotation.Remember;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;

/**
 * A deliberately slow product lookup behind {@code @Remember}: the first call waits for
 * the "database", later ones come from Redis; once an entry is older than 4 minutes, a
 * request still gets it from Redis and the lookup runs again in the background
 * (refresh-ahead), so no request waits for it after the first. {@code @Forget} evicts on
 * update.
 */
@Service
class ProductService {

	private final Duration delay;

	private final AtomicInteger lookups = new AtomicInteger();

	ProductService(@Value("${sample.slow-lookup-delay:1s}") Duration delay) {
		this.delay = delay;
	}

	@Remember(key = "'product:' + #id", ttl = "5m", refreshAfter = "4m")
	Product find(long id) {
		this.lookups.incrementAndGet();
		sleep(this.delay);
		return new Product(id, "Product " + id, 1000 + id);
	}

	@Forget(keys = "'product:' + #id")
	Product rename(long id, String name) {
		return new Product(id, name, 1000 + id);
	}

	int lookups() {
		return this.lookups.get();
	}

	static void sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

	record Product(long id, String name, long priceCents) {
	}

}
