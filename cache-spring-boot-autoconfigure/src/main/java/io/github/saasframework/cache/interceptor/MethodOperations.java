package io.github.saasframework.cache.interceptor;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * What the cache annotations ask of one method on one target class: the parsed operation
 * of each annotation present, keyed by annotation type (as Spring's
 * {@code CacheOperationSource} does), so a new annotation or attribute is one parser in
 * {@link AnnotationOperationSource} and nothing here.
 *
 * @param method the most specific method, whose parameter names the expressions see
 * @param operations the parsed operation of each annotation present
 */
record MethodOperations(Method method, Map<Class<? extends Annotation>, Object> operations) {

	MethodOperations {
		operations = Map.copyOf(operations);
	}

	boolean isEmpty() {
		return this.operations.isEmpty();
	}

	boolean has(Class<? extends Annotation> annotation) {
		return this.operations.containsKey(annotation);
	}

	/**
	 * The parsed operation of an annotation, of the type its parser returns.
	 * @return the operation, or {@code null} when the method does not carry the
	 * annotation
	 */
	@SuppressWarnings("unchecked")
	<O> @Nullable O get(Class<? extends Annotation> annotation) {
		return (O) this.operations.get(annotation);
	}

}
