package io.github.saasframework.cache.serializer;

import tools.jackson.databind.JavaType;

/**
 * A deserializer of this library for a container Jackson does not know as one (Spring
 * Data's pages): what its content is read as and which classes it creates, for
 * {@link ReadBackCheck}.
 */
interface ContentTyped {

	/**
	 * The type the content is read as, such as {@code List<Book>}.
	 */
	JavaType contentType();

	/**
	 * Whether a value of the given class reads back as a value of the same class.
	 */
	boolean produces(Class<?> valueClass);

}
