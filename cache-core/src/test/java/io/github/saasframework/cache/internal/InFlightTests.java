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

	/**
	 * The CI failure of
	 * {@code retrieveWithLoader_loaderFails_failsWithTheLoadersOwnException}: a caller
	 * that saw a load fail and called again joined the failed load, because the key was
	 * freed by a dependent that ran after the caller's own.
	 */
	@Test
	void aCallerThatSawTheResult_andCallsAgain_startsNewWork() {
		CompletableFuture<CompletableFuture<String>> mine = new CompletableFuture<>();
		CompletableFuture<String> first = this.inFlight.join("k", mine::complete);
		CompletableFuture<CompletableFuture<String>> again = new CompletableFuture<>();
		first.whenComplete(
				(value, failure) -> again.complete(this.inFlight.join("k", (future) -> future.complete("second"))));
		mine.join().completeExceptionally(new IllegalStateException("first failed"));
		assertThat(first).isCompletedExceptionally();
		assertThat(again.join()).isCompletedWithValue("second");
	}

	@Test
	void aSharedFutureCancelledFromOutside_freesTheKey() {
		CompletableFuture<String> first = this.inFlight.join("k", (future) -> null);
		first.cancel(false);
		assertThat(this.inFlight.get("k")).isNull();
		assertThat(this.inFlight.join("k", (future) -> future.complete("again"))).isCompletedWithValue("again");
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
