package io.github.saasframework.cache.lock;

import io.github.saasframework.cache.CacheException;

/**
 * Base class of the lock failures.
 *
 * @since 0.1.0
 */
public class LockException extends CacheException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates an exception with a message.
	 * @param message what went wrong, naming the lock
	 */
	public LockException(String message) {
		super(message);
	}

	/**
	 * Creates an exception with a message and a cause.
	 * @param message what went wrong, naming the lock
	 * @param cause the underlying failure
	 */
	public LockException(String message, Throwable cause) {
		super(message, cause);
	}

}
