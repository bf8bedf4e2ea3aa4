package io.github.saasframework.cache.serializer;

import tools.jackson.core.JsonParser;
import tools.jackson.databind.exc.MismatchedInputException;

/**
 * A mismatch this library detects itself, with a message built from type and property
 * names only (never from the input), so it may be shown where Jackson's own messages,
 * which quote the input, may not.
 */
final class CacheShapeException extends MismatchedInputException {

	private static final long serialVersionUID = 1L;

	CacheShapeException(JsonParser parser, String message, Class<?> targetType) {
		super(parser, message, targetType);
	}

}
