package io.github.saasframework.cache.lock;

/**
 * Thrown when a lock is released or extended by an object that does not hold it: it was
 * never acquired, it was already released, it expired, or another owner holds it now.
 *
 * @since 0.1.0
 */
public class LockNotHeldException extends LockException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates an exception with a message.
	 * @param message what went wrong, naming the lock
	 */
	public LockNotHeldException(String message) {
		super(message);
	}

	/**
	 * Creates an exception with a message and a cause.
	 * @param message what went wrong, naming the lock
	 * @param cause the underlying failure
	 */
	public LockNotHeldException(String message, Throwable cause) {
		super(message, cause);
	}

}
