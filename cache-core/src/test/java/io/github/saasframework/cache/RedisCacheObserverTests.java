package io.github.saasframework.cache;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.saasframework.cache.lock.DistributedLock;
import io.github.saasframework.cache.lock.LockNotAcquiredException;
import io.github.saasframework.cache.serializer.CacheSerializationException;
import io.github.saasframework.cache.testsupport.RedisServerExtension;
import io.github.saasframework.cache.testsupport.RedisTemplates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * What a {@link RedisCache} reports to its {@link CacheObserver}: one start and one stop
 * per observed operation, on the caller's thread, with its result, and the loader of a
 * miss running between them (so a tracer makes the loader's spans children of the
 * cache's).
 */
@ExtendWith(RedisServerExtension.class)
class RedisCacheObserverTests {

	private static final String PREFIX = "observer-core-tests";

	private final List<String> events = new CopyOnWriteArrayList<>();

	private final Cache cache = RedisCache.create(RedisTemplates.bytes(RedisServerExtension.connectionFactory()),
			CacheConfig.builder()
				.keyPrefix(PREFIX)
				.lockRetryInterval(Duration.ofMillis(5))
				.observer(this::start)
				.build());

	private CacheObserver.Observed start(CacheObserver.Operation operation, String prefix) {
		Thread caller = Thread.currentThread();
		this.events.add("start " + operation.value() + " " + prefix);
		return new CacheObserver.Observed() {

			@Override
			public void result(CacheObserver.Result result) {
				RedisCacheObserverTests.this.events.add("result " + result.value());
			}

			@Override
			public void error(Throwable error) {
				RedisCacheObserverTests.this.events.add("error " + error.getClass().getSimpleName());
			}

			@Override
			public void stop() {
				RedisCacheObserverTests.this.events
					.add("stop" + ((Thread.currentThread() == caller) ? "" : " elsewhere"));
			}

		};
	}

	@AfterEach
	void cleanUp() {
		this.cache.flushPrefix();
	}

	@Test
	void get_hitAndMiss() {
		this.cache.set("k", "v");
		this.cache.get("k", String.class);
		this.cache.get("absent", String.class);
		assertThat(this.events).containsExactly("start get " + PREFIX, "result hit", "stop", "start get " + PREFIX,
				"result miss", "stop");
	}

	@Test
	void get_unreadableValue_isAnErrorAfterTheHit() {
		this.cache.set("k", "not json");
		assertThatExceptionOfType(CacheSerializationException.class)
			.isThrownBy(() -> this.cache.get("k", Integer.class));
		assertThat(this.events).containsExactly("start get " + PREFIX, "result hit",
				"error CacheSerializationException", "stop");
	}

	@Test
	void get_badArgument_isNotObserved() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.cache.get(" ", String.class));
		assertThat(this.events).isEmpty();
	}

	@Test
	void remember_missRunsTheLoaderInsideTheObservation_thenHit() {
		this.cache.remember("k", Duration.ZERO, String.class, () -> {
			this.events.add("loader");
			return "v";
		});
		this.cache.remember("k", Duration.ZERO, String.class, () -> "other");
		assertThat(this.events).containsExactly("start remember " + PREFIX, "result miss", "loader", "stop",
				"start remember " + PREFIX, "result hit", "stop");
	}

	@Test
	void remember_loaderFailure_isAnError() {
		assertThatExceptionOfType(IllegalStateException.class)
			.isThrownBy(() -> this.cache.remember("k", Duration.ZERO, String.class, () -> {
				throw new IllegalStateException("boom");
			}));
		assertThat(this.events).containsExactly("start remember " + PREFIX, "result miss",
				"error IllegalStateException", "stop");
	}

	@Test
	void withPrefix_reportsTheBoundedMetricsPrefix() {
		// a namespace per tenant must not make a tag value per tenant: children report
		// their root's prefix unless prefixMetricsLimit gives them their own
		this.cache.withPrefix("child").get("k", String.class);
		assertThat(this.events).first().isEqualTo("start get " + PREFIX);
		this.events.clear();
		RedisCache limited = RedisCache.create(RedisServerExtension.connectionFactory(),
				CacheConfig.builder().keyPrefix(PREFIX).observer(this::start).prefixMetricsLimit(1).build());
		limited.withPrefix("child").get("k", String.class);
		assertThat(this.events).first().isEqualTo("start get " + PREFIX + ":child");
	}

	@Test
	void lockWait_acquiredAndNotAcquired() {
		try (DistributedLock first = this.cache.lock("job", Duration.ofSeconds(5))) {
			first.acquire(Duration.ZERO);
			DistributedLock second = this.cache.lock("job", Duration.ofSeconds(5));
			assertThatExceptionOfType(LockNotAcquiredException.class)
				.isThrownBy(() -> second.acquire(Duration.ofMillis(20)));
		}
		assertThat(this.events).containsExactly("start lock " + PREFIX, "result acquired", "stop",
				"start lock " + PREFIX, "result not_acquired", "stop");
	}

	@Test
	void withLock_observesTheWaitOnly() {
		this.cache.withLock("job", Duration.ofSeconds(5), () -> {
			this.events.add("action");
			return null;
		});
		assertThat(this.events).containsExactly("start lock " + PREFIX, "result acquired", "stop", "action");
	}

}
