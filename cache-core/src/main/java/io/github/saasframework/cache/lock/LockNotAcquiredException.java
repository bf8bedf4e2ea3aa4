package io.github.saasframework.cache.lock;

/**
 * Thrown when a lock could not be acquired within the wait time (another owner held it
 * the whole time), or when the waiting thread was interrupted.
 *
 * @since 0.1.0
 */
public class LockNotAcquiredException extends LockException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates an exception with a message.
	 * @param message what went wrong, naming the lock and the wait time
	 */
	public LockNotAcquiredException(String message) {
		super(message);
	}

	/**
	 * Creates an exception with a message and a cause.
	 * @param message what went wrong, naming the lock and the wait time
	 * @param cause the underlying failure
	 */
	public LockNotAcquiredException(String message, Throwable cause) {
		super(message, cause);
	}

}
