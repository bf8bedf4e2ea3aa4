package io.github.saasframework.cache.autoconfigure;

import java.time.Duration;

import io.github.saasframework.cache.Cache;
import io.github.saasframework.cache.annotation.Remember;
import io.github.saasframework.cache.annotation.WithLock;
import io.github.saasframework.cache.lock.DistributedLock;
import io.github.saasframework.cache.lock.LockNotAcquiredException;
import io.github.saasframework.cache.testsupport.RedisServerExtension;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The Micrometer meters of the cache after a known sequence of calls, in a whole Spring
 * Boot application on the shared test {@code redis-server}.
 */
@ExtendWith(RedisServerExtension.class)
@SpringBootTest(classes = CacheMetricsIntegrationTests.TestApplication.class,
		properties = "app.cache.key-prefix=" + CacheMetricsIntegrationTests.PREFIX)
class CacheMetricsIntegrationTests {

	static final String PREFIX = "metrics-it";

	@Autowired
	private Cache cache;

	@Autowired
	private MeterRegistry registry;

	@Autowired
	private MeteredService service;

	@AfterEach
	void cleanUp() {
		this.cache.flushPrefix();
	}

	@Test
	void metersCountAKnownSequenceOfCalls() {
		this.service.item(1);
		this.service.item(1);
		this.service.item(2);
		assertThatIllegalStateException().isThrownBy(() -> this.service.broken(3));
		this.service.locked();
		try (DistributedLock held = this.cache.lock("lock:metered", Duration.ofSeconds(30))) {
			held.acquire(Duration.ZERO);
			assertThatExceptionOfType(LockNotAcquiredException.class).isThrownBy(this.service::locked);
		}

		assertThat(counter("cache.gets", "result", "hit")).isEqualTo(1);
		assertThat(counter("cache.gets", "result", "miss")).isEqualTo(3);
		assertThat(this.registry.get("cache.puts").tag("cache", PREFIX).counter().count()).isEqualTo(2);
		assertThat(timerCount("cache.loads", "success")).isEqualTo(2);
		assertThat(timerCount("cache.loads", "failure")).isEqualTo(1);
		assertThat(counter("cache.lock.acquisitions", "result", "acquired")).isEqualTo(2);
		assertThat(counter("cache.lock.acquisitions", "result", "not_acquired")).isEqualTo(1);
		assertThat(timerCount("cache.lock.wait", "acquired")).isEqualTo(2);
		assertThat(timerCount("cache.lock.wait", "not_acquired")).isEqualTo(1);
	}

	private double counter(String name, String tag, String value) {
		return this.registry.get(name).tag("cache", PREFIX).tag(tag, value).counter().count();
	}

	private long timerCount(String name, String result) {
		return this.registry.get(name).tag("cache", PREFIX).tag("result", result).timer().count();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(MeteredService.class)
	static class TestApplication {

		@Bean
		DataRedisConnectionDetails redisConnectionDetails() {
			return TestRedis.connectionDetails();
		}

		@Bean
		SimpleMeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

	}

	static class MeteredService {

		@Remember(key = "'item:' + #id")
		String item(int id) {
			return "item " + id;
		}

		@Remember(key = "'broken:' + #id")
		String broken(int id) {
			throw new IllegalStateException("broken " + id);
		}

		@WithLock(key = "'lock:metered'", waitTime = "0s")
		void locked() {
		}

	}

}
