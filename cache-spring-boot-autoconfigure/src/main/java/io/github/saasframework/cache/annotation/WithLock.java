package io.github.saasframework.cache.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs a method while holding a distributed lock (the {@code Cache.withLock} pattern):
 * the call waits up to {@link #waitTime()} for the lock, runs with it held, and releases
 * it when the method returns or throws. When the wait runs out the method does not run
 * and {@code LockNotAcquiredException} is thrown.
 * <p>
 * The key is a SpEL expression, as for {@link Remember#key()}; lock names share the
 * cache's key namespace, so name them distinctly ({@code "'lock:job:' + #id"}). The
 * method's own exceptions reach the caller unchanged.
 *
 * @since 0.1.0
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface WithLock {

	/**
	 * SpEL expression of the lock name; must not evaluate to null or blank.
	 * @return the lock name expression
	 */
	String key();

	/**
	 * Lease of the lock: {@code "30s"}, {@code "PT1M"}; empty for
	 * {@code app.cache.lock.default-ttl}.
	 * @return the lease
	 */
	String ttl() default "";

	/**
	 * How long to wait for the lock: {@code "5s"}, {@code "0s"} for a single attempt;
	 * empty for {@code app.cache.lock.default-wait}.
	 * @return the wait time
	 */
	String waitTime() default "";

}
