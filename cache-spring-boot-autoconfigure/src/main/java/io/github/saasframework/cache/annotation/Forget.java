package io.github.saasframework.cache.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Removes cache keys after the method returns normally; when it throws, nothing is
 * removed. Each key is a SpEL expression, as for {@link Remember#key()}, and may also use
 * {@code #result}.
 *
 * @since 0.1.0
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Forget {

	/**
	 * SpEL expressions of the keys to remove, such as {@code "'user:' + #id"}.
	 * @return the key expressions
	 */
	String[] keys();

}
