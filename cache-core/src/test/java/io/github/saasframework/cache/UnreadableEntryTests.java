package io.github.saasframework.cache;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.saasframework.cache.serializer.CacheSerializationException;
import io.github.saasframework.cache.testsupport.RedisServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.data.redis.connection.RedisConnection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Issue 22: an entry that cannot be read as the requested type (written by an older shape
 * of the class, the most common leftover of a deploy) is a miss for {@code remember},
 * blocking and non-blocking: the loader runs once, its value replaces the entry, the
 * entry is counted ({@code recordUnreadableEntry}); {@code get} keeps throwing, since it
 * has no loader.
 */
@ExtendWith(RedisServerExtension.class)
class UnreadableEntryTests {

	private static final String OLD_SHAPE = "{\"fullName\":\"secret-old\",\"mail\":\"x\"}";

	private final String prefix = "unreadable-" + UUID.randomUUID().toString().substring(0, 8);

	private final AtomicInteger unreadable = new AtomicInteger();

	private final RedisCache cache = RedisCache.create(RedisServerExtension.connectionFactory(),
			CacheConfig.builder().keyPrefix(this.prefix).metricsRecorder(new CacheMetricsRecorder() {

				@Override
				public void recordUnreadableEntry(String prefix) {
					UnreadableEntryTests.this.unreadable.incrementAndGet();
				}

			}).build());

	@AfterEach
	void cleanUp() {
		this.cache.flushPrefix();
		this.cache.close();
	}

	@Test
	void remember_entryInAnOldShape_isReplacedByOneLoad() {
		rawSet("p", OLD_SHAPE);
		assertThatExceptionOfType(CacheSerializationException.class).isThrownBy(() -> this.cache.get("p", Person.class))
			.withMessageContaining("'p'")
			.withMessageNotContaining("secret-old");
		AtomicInteger loads = new AtomicInteger();
		for (int i = 0; i < 3; i++) {
			assertThat(this.cache.remember("p", Duration.ofMinutes(1), Person.class, () -> {
				loads.incrementAndGet();
				return Person.of(1);
			})).isEqualTo(Person.of(1));
		}
		assertThat(loads).hasValue(1);
		assertThat(this.cache.get("p", Person.class)).contains(Person.of(1));
		assertThat(this.unreadable).hasValue(1);
	}

	@Test
	void rememberAsync_entryInAnOldShape_isReplacedByOneLoad() throws Exception {
		rawSet("p", OLD_SHAPE);
		AtomicInteger loads = new AtomicInteger();
		for (int i = 0; i < 3; i++) {
			assertThat(this.cache.async().remember("p", Duration.ofMinutes(1), Person.class, () -> {
				loads.incrementAndGet();
				return CompletableFuture.completedFuture(Person.of(2));
			}).get(10, TimeUnit.SECONDS)).isEqualTo(Person.of(2));
		}
		assertThat(loads).hasValue(1);
		assertThat(this.cache.get("p", Person.class)).contains(Person.of(2));
		assertThat(this.unreadable).hasValue(1);
	}

	@Test
	void remember_unreadableEntry_loaderGivesNothingToStore_removesTheEntry() {
		rawSet("p", OLD_SHAPE);
		assertThat(this.cache.remember("p", Duration.ofMinutes(1), Person.class, () -> null)).isNull();
		assertThat(this.cache.exists("p")).as("not read again on every call").isZero();
	}

	@Test
	void remember_refreshAhead_unreadableEntry_isAMissToo() {
		rawSet("p", OLD_SHAPE);
		RememberPolicy policy = RememberPolicy.ttl(Duration.ofMinutes(10)).refreshAfter(Duration.ofMinutes(1));
		assertThat(this.cache.remember("p", policy, Person.class, () -> Person.of(3))).isEqualTo(Person.of(3));
		assertThat(this.cache.get("p", Person.class)).contains(Person.of(3));
	}

	private void rawSet(String key, String value) {
		try (RedisConnection connection = RedisServerExtension.connectionFactory().getConnection()) {
			connection.stringCommands()
				.set((this.prefix + ":" + key).getBytes(StandardCharsets.UTF_8),
						value.getBytes(StandardCharsets.UTF_8));
		}
	}

}
