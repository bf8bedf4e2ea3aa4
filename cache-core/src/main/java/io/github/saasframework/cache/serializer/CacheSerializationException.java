package io.github.saasframework.cache.serializer;

import io.github.saasframework.cache.CacheException;

/**
 * Thrown when a value cannot be written by the serializer, or when bytes stored in Redis
 * cannot be read as the requested type. The message names the key (never the value or its
 * bytes); nothing stored in Redis is changed by the failed call.
 *
 * @since 0.1.0
 */
public class CacheSerializationException extends CacheException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates an exception with a message.
	 * @param message what went wrong, naming the key or the type
	 */
	public CacheSerializationException(String message) {
		super(message);
	}

	/**
	 * Creates an exception with a message and a cause.
	 * @param message what went wrong, naming the key or the type
	 * @param cause the serializer's own failure
	 */
	public CacheSerializationException(String message, Throwable cause) {
		super(message, cause);
	}

}
