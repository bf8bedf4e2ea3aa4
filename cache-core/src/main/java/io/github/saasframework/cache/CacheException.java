package io.github.saasframework.cache;

/**
 * Base class of this library's own exceptions. Failures of Redis itself are not wrapped:
 * they surface as Spring's {@link org.springframework.dao.DataAccessException} subtypes.
 *
 * @since 0.1.0
 */
public class CacheException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates an exception with a message.
	 * @param message what went wrong
	 */
	public CacheException(String message) {
		super(message);
	}

	/**
	 * Creates an exception with a message and a cause.
	 * @param message what went wrong
	 * @param cause the underlying failure
	 */
	public CacheException(String message, Throwable cause) {
		super(message, cause);
	}

}
