package io.github.saasframework.cache.interceptor;

import io.github.saasframework.cache.Cache;
import io.github.saasframework.cache.annotation.Forget;
import io.github.saasframework.cache.annotation.Remember;
import io.github.saasframework.cache.annotation.WithLock;

import org.springframework.aop.Advisor;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * The advisors that apply {@link Remember @Remember}, {@link WithLock @WithLock} and
 * {@link Forget @Forget}: one per annotation, all three asking one
 * {@link AnnotationOperationSource} which methods carry what. The Spring Boot starter
 * registers them; an application without Boot registers the same beans (as {@code static}
 * infrastructure {@code @Bean}s) next to an auto-proxy creator.
 * <p>
 * Order: {@code @Remember} outermost ({@link #REMEMBER_ORDER}, so a cache hit never takes
 * the lock), then {@code @WithLock}, then {@code @Forget} (keys are evicted while the
 * lock is still held); all three run outside advice of {@code Ordered.LOWEST_PRECEDENCE}
 * such as a default {@code @Transactional}.
 *
 * @since 0.3.0
 */
public final class CacheAnnotationAdvisors {

	/** Order of {@code @Remember}: outermost, so a cache hit never takes the lock. */
	public static final int REMEMBER_ORDER = AnnotationInterceptorAdvisor.REMEMBER_ORDER;

	/** Order of {@code @WithLock}: inside {@code @Remember}, outside {@code @Forget}. */
	public static final int WITH_LOCK_ORDER = AnnotationInterceptorAdvisor.WITH_LOCK_ORDER;

	/** Order of {@code @Forget}: innermost of the three. */
	public static final int FORGET_ORDER = AnnotationInterceptorAdvisor.FORGET_ORDER;

	private CacheAnnotationAdvisors() {
	}

	/**
	 * The parsed annotations of the application's classes, shared by the advisors.
	 * @return a new operation source
	 */
	public static AnnotationOperationSource operationSource() {
		return new AnnotationOperationSource(new CacheExpressionEvaluator());
	}

	/**
	 * Checks, once every singleton exists, that the values of each {@code @Remember}
	 * method can be read back as its type by the cache's serializer; a method whose
	 * values cannot is logged at ERROR, naming the method and the type, and runs without
	 * the cache. Without this bean the same check runs on each method's first call.
	 * @param source the operation source
	 * @param cache the cache
	 * @return the check, to register as a bean
	 */
	public static SmartInitializingSingleton readBackCheck(AnnotationOperationSource source,
			ObjectProvider<Cache> cache) {
		return () -> {
			Cache found = cache.getIfUnique();
			if (found != null) {
				source.checkReadBack(found);
			}
		};
	}

	/**
	 * The advisor of {@code @Remember}.
	 * @param source the operation source
	 * @param cache the cache, looked up on the first call
	 * @return the advisor
	 */
	public static Advisor remember(AnnotationOperationSource source, ObjectProvider<Cache> cache) {
		return new AnnotationInterceptorAdvisor(source, Remember.class, new RememberInterceptor(source, cache),
				REMEMBER_ORDER);
	}

	/**
	 * The advisor of {@code @WithLock}.
	 * @param source the operation source
	 * @param cache the cache, looked up on the first call
	 * @return the advisor
	 */
	public static Advisor withLock(AnnotationOperationSource source, ObjectProvider<Cache> cache) {
		return new AnnotationInterceptorAdvisor(source, WithLock.class, new WithLockInterceptor(source, cache),
				WITH_LOCK_ORDER);
	}

	/**
	 * The advisor of {@code @Forget}.
	 * @param source the operation source
	 * @param cache the cache, looked up on the first call
	 * @return the advisor
	 */
	public static Advisor forget(AnnotationOperationSource source, ObjectProvider<Cache> cache) {
		return new AnnotationInterceptorAdvisor(source, Forget.class, new ForgetInterceptor(source, cache),
				FORGET_ORDER);
	}

}
