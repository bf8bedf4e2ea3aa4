package io.github.saasframework.cache;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.saasframework.cache.testsupport.RedisServerExtension;
import io.github.saasframework.cache.testsupport.RedisTemplates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.data.redis.core.RedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a {@link RedisCache} reports to its {@link CacheMetricsRecorder}.
 */
@ExtendWith(RedisServerExtension.class)
class RedisCacheMetricsTests {

	private static final String PREFIX = "metrics-core-tests";

	private final List<String> events = new CopyOnWriteArrayList<>();

	private final Cache cache = RedisCache.create(RedisTemplates.bytes(RedisServerExtension.connectionFactory()),
			CacheConfig.builder().keyPrefix(PREFIX).metricsRecorder(new CacheMetricsRecorder() {

				@Override
				public void recordGets(String prefix, int hits, int misses) {
					RedisCacheMetricsTests.this.events.add("gets " + prefix + " " + hits + "/" + misses);
				}

				@Override
				public void recordPuts(String prefix, int count) {
					RedisCacheMetricsTests.this.events.add("puts " + prefix + " " + count);
				}

				@Override
				public void recordEvictions(String prefix, long count) {
					RedisCacheMetricsTests.this.events.add("evictions " + prefix + " " + count);
				}

				@Override
				public void recordLoad(String prefix, boolean success, long durationNanos) {
					RedisCacheMetricsTests.this.events.add("load " + prefix + " " + success);
				}

			}).build());

	@AfterEach
	void cleanUp() {
		this.cache.flushPrefix();
	}

	/**
	 * One miss of {@code remember} is one recorded miss: an internal re-read of the key
	 * (inside the single flight) was once counted as a second miss, which skewed the hit
	 * ratio of {@code cache.gets}.
	 */
	@Test
	void remember_miss_recordsOneMissOneLoadOnePut() {
		this.cache.remember("k", Duration.ZERO, String.class, () -> "v");
		assertThat(this.events).containsExactly("gets " + PREFIX + " 0/1", "load " + PREFIX + " true",
				"puts " + PREFIX + " 1");
	}

	@Test
	void remember_hit_recordsOneHit() {
		this.cache.set("k", "v");
		this.events.clear();
		this.cache.remember("k", Duration.ZERO, String.class, () -> "other");
		assertThat(this.events).containsExactly("gets " + PREFIX + " 1/0");
	}

	@Test
	void removedKeys_areRecordedAsEvictions_andAKeyRemovedByNoneIsNot() {
		this.cache.setAll(Map.of("a", "1", "b", "2", "c", "3", "d", "4"), Duration.ZERO);
		this.events.clear();
		this.cache.delete("a");
		this.cache.delete("a");
		this.cache.deleteAll(List.of("b", "missing"));
		this.cache.deleteByPattern("*");
		assertThat(this.events).containsExactly("evictions " + PREFIX + " 1", "evictions " + PREFIX + " 1",
				"evictions " + PREFIX + " 2");
	}

	@Test
	void setIfAbsent_recordsAPutOnlyWhenItWrote() {
		assertThat(this.cache.setIfAbsent("k", "v", Duration.ZERO)).isTrue();
		assertThat(this.cache.setIfAbsent("k", "w", Duration.ZERO)).isFalse();
		assertThat(this.events).containsExactly("puts " + PREFIX + " 1");
	}

}
