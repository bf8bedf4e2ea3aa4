package io.github.saasframework.cache.autoconfigure;

import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.dao.QueryTimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MicrometerCacheMetricsRecorder}: names, tags and units of the meters.
 */
class MicrometerCacheMetricsRecorderTests {

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final MicrometerCacheMetricsRecorder recorder = new MicrometerCacheMetricsRecorder(this.registry);

	@Test
	void nearCacheMetersExistOnlyOnceANearCacheDoes() {
		this.recorder.registerMeters("app");
		this.recorder.recordGets("app", 1, 1);
		assertThat(this.registry.find("cache.near.gets").meters()).isEmpty();
		assertThat(this.registry.find("cache.near.invalidations").meters()).isEmpty();
		this.recorder.bindNearCacheSize("app", () -> 3);
		assertThat(this.registry.get("cache.near.gets").tags("cache", "app", "result", "hit").counter().count())
			.isZero();
		assertThat(this.registry.get("cache.near.invalidations").tags("cache", "app").counter().count()).isZero();
		assertThat(this.registry.get("cache.near.size").tags("cache", "app").gauge().value()).isEqualTo(3);
		// a withPrefix namespace of the cache records under its own prefix
		this.recorder.recordNearCacheGets("app:tenant", 2, 1);
		assertThat(this.registry.get("cache.near.gets").tags("cache", "app:tenant", "result", "hit").counter().count())
			.isEqualTo(2);
	}

	@Test
	void aSpringCacheIsTaggedWithItsName() {
		this.recorder.cacheCreated("books", "app:books");
		this.recorder.recordGets("app:books", 1, 0);
		assertThat(this.registry.get("cache.gets").tags("cache", "books", "result", "hit").counter().count())
			.isEqualTo(1);
	}

	@Test
	void emptyPrefixIsTaggedReadably() {
		this.recorder.recordGets("", 2, 1);
		assertThat(this.registry.get("cache.gets").tags("cache", "(none)", "result", "hit").counter().count())
			.isEqualTo(2);
		assertThat(this.registry.get("cache.gets").tags("cache", "(none)", "result", "miss").counter().count())
			.isEqualTo(1);
	}

	@Test
	void prefixesAreTaggedApart() {
		this.recorder.recordPuts("app", 3);
		this.recorder.recordPuts("app:users", 1);
		assertThat(this.registry.get("cache.puts").tag("cache", "app").counter().count()).isEqualTo(3);
		assertThat(this.registry.get("cache.puts").tag("cache", "app:users").counter().count()).isEqualTo(1);
	}

	@Test
	void loadsAndLockWaitsAreTimers() {
		this.recorder.recordLoad("app", true, TimeUnit.MILLISECONDS.toNanos(30));
		this.recorder.recordLockAcquisition("app", false, TimeUnit.MILLISECONDS.toNanos(100));
		assertThat(this.registry.get("cache.loads")
			.tags("cache", "app", "result", "success")
			.timer()
			.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(30);
		assertThat(this.registry.get("cache.lock.wait")
			.tags("cache", "app", "result", "not_acquired")
			.timer()
			.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(100);
		assertThat(this.registry.get("cache.lock.acquisitions")
			.tags("cache", "app", "result", "not_acquired")
			.counter()
			.count()).isEqualTo(1);
	}

	@Test
	void registeredMetersExistBeforeTheFirstCall_failOpenIncluded() {
		this.recorder.registerMeters("app");
		assertThat(this.registry.get("cache.fail.open").tags("cache", "app", "exception", "none").counter().count())
			.isZero();
		assertThat(this.registry.get("cache.gets").tags("cache", "app", "result", "hit").counter().count()).isZero();
		assertThat(this.registry.get("cache.loads").tags("cache", "app", "result", "failure").timer().count()).isZero();
		this.recorder.recordFailOpen("app", new QueryTimeoutException("timeout"));
		assertThat(this.registry.get("cache.fail.open").counters()).hasSize(2)
			.allSatisfy((counter) -> assertThat(counter.getId().getTags()).extracting(Tag::getKey)
				.containsExactlyInAnyOrder("cache", "exception", "reason"));
	}

	@Test
	void refreshesAreCountedByOutcome() {
		this.recorder.recordRefreshStarted("app");
		this.recorder.recordRefreshStarted("app");
		this.recorder.recordRefreshResult("app", true);
		this.recorder.recordRefreshResult("app", false);
		this.recorder.recordRefreshSkipped("app");
		assertThat(this.registry.get("cache.refreshes.started").tag("cache", "app").counter().count()).isEqualTo(2);
		assertThat(this.registry.get("cache.refreshes").tags("cache", "app", "result", "success").counter().count())
			.isEqualTo(1);
		assertThat(this.registry.get("cache.refreshes").tags("cache", "app", "result", "failure").counter().count())
			.isEqualTo(1);
		assertThat(this.registry.get("cache.refreshes").tags("cache", "app", "result", "skipped").counter().count())
			.isEqualTo(1);
	}

	@Test
	void failOpenIsCountedByException() {
		this.recorder.recordFailOpen("app", new QueryTimeoutException("timeout"));
		assertThat(this.registry.get("cache.fail.open")
			.tags("cache", "app", "exception", "QueryTimeoutException")
			.counter()
			.count()).isEqualTo(1);
	}

}
