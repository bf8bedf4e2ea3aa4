package io.github.saasframework.cache;

/**
 * An action without a result that may throw a checked exception; the argument of
 * {@link Cache#withLock(String, java.time.Duration, ThrowingRunnable)}.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface ThrowingRunnable {

	/**
	 * Runs the action.
	 * @throws Exception whatever the action throws
	 */
	void run() throws Exception;

}
