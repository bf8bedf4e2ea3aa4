package io.github.saasframework.cache.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link InFlight}: one piece of work per key in flight, shared until it completes, then
 * the key is free again; a failing start completes the shared future exceptionally.
 */
class InFlightTests {

	private final InFlight<String, String> inFlight = new InFlight<>();

	@Test
	void callersOfOneKey_shareTheWork_untilItCompletes() {
		AtomicInteger started = new AtomicInteger();
		CompletableFuture<CompletableFuture<String>> mine = new CompletableFuture<>();
		CompletableFuture<String> first = this.inFlight.join("k", (future) -> {
			started.incrementAndGet();
			return mine.complete(future);
		});
		CompletableFuture<String> second = this.inFlight.join("k", (future) -> started.incrementAndGet());
		assertThat(second).isSameAs(first);
		assertThat(this.inFlight.join("other", (future) -> started.incrementAndGet())).isNotSameAs(first);
		assertThat(started).hasValue(2);
		mine.join().complete("v");
		assertThat(second.join()).isEqualTo("v");
		assertThat(this.inFlight.get("k")).as("freed once complete").isNull();
		assertThat(this.inFlight.join("k", (future) -> future.complete("again"))).isNotSameAs(first)
			.isCompletedWithValue("again");
	}

	@Test
	void aStartThatThrows_completesTheSharedFutureExceptionally_andFreesTheKey() {
		CompletableFuture<String> failed = this.inFlight.join("k", (future) -> {
			throw new IllegalStateException("boom");
		});
		assertThat(failed).isCompletedExceptionally();
		assertThat(this.inFlight.size()).isZero();
	}

	@Test
	void startIfIdle_startsOnlyWhenNothingIsInFlight() {
		CompletableFuture<String> mine = this.inFlight.startIfIdle("k");
		assertThat(mine).isNotNull();
		assertThat(this.inFlight.startIfIdle("k")).isNull();
		mine.complete("done");
		assertThat(this.inFlight.startIfIdle("k")).isNotNull();
	}

}
