package io.github.saasframework.cache.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Caches a method's result in Redis: the method runs only when its key is missing (the
 * {@code Cache.remember} pattern), and concurrent callers of one key share one method
 * call.
 * <p>
 * The key is a SpEL expression relative to the {@code Cache} bean's prefix; it sees the
 * method arguments by name ({@code #id}, which needs {@code -parameters}), by position
 * ({@code #p0}, {@code #a0}), and the root object's {@code method}, {@code methodName},
 * {@code args}, {@code target} and {@code targetClass} ({@code #root.methodName}).
 * {@code unless} also sees {@code #result}.
 * <p>
 * The method's generic return type is honoured: {@code List<User>} and
 * {@code Map<String, Order>} come back as such, and an {@code Optional} is unwrapped (an
 * empty one is not stored). A method that returns {@code null} stores nothing. The
 * method's own exceptions reach the caller unchanged, and nothing is stored.
 * <p>
 * Combined with {@link WithLock} on the same method, {@code @Remember} runs outside: a
 * cache hit never takes the lock.
 *
 * @since 0.1.0
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Remember {

	/**
	 * SpEL expression of the key, such as {@code "'user:' + #id"}; must not evaluate to
	 * null or blank.
	 * @return the key expression
	 */
	String key();

	/**
	 * Time to live: {@code "5m"}, {@code "30s"}, {@code "PT10M"}; empty for
	 * {@code app.cache.default-ttl}. Must be empty when {@link #forever()} is set.
	 * @return the TTL
	 */
	String ttl() default "";

	/**
	 * Whether the result is stored without expiry.
	 * @return {@code true} to store forever
	 */
	boolean forever() default false;

	/**
	 * Refresh-ahead: {@code "30s"}, {@code "4m"}, {@code "PT4M"} or a placeholder; empty
	 * (the default) for never. A call that finds the entry older than this returns the
	 * stored value at once and reloads it in the background (the method runs on a cache
	 * thread, once across all instances), replacing it with a fresh TTL. The age is read
	 * from the entry's remaining TTL, so this must be shorter than {@link #ttl()} (or
	 * than {@code app.cache.default-ttl} when {@code ttl} is empty) and cannot be
	 * combined with {@link #forever()}; otherwise the application fails to start naming
	 * the method. The background call does not see the caller's thread-bound state
	 * (security context, transaction, request scope). See
	 * {@code io.github.saasframework.cache.RememberPolicy#refreshAfter}.
	 * @return the refresh age
	 */
	String refreshAfter() default "";

	/**
	 * SpEL expression evaluated before the call; when it is {@code false} the method is
	 * called and the cache is neither read nor written. Empty means always cache.
	 * @return the condition expression
	 */
	String condition() default "";

	/**
	 * SpEL expression evaluated after a call that loaded the value, with {@code #result};
	 * when it is {@code true} the result is returned but not stored.
	 * @return the veto expression
	 */
	String unless() default "";

}
