package io.github.saasframework.cache.testsupport;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Polls a condition of a test topology until it holds or a timeout passes.
 */
final class Await {

	private Await() {
	}

	static void until(BooleanSupplier condition, String what, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("Timed out after " + timeout + " waiting for " + what);
			}
			try {
				Thread.sleep(50);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted while waiting for " + what, ex);
			}
		}
	}

}
