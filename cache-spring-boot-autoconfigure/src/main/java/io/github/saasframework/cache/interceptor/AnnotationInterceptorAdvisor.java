package io.github.saasframework.cache.interceptor;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;

import org.aopalliance.aop.Advice;
import org.aopalliance.intercept.MethodInterceptor;

import org.springframework.aop.Pointcut;
import org.springframework.aop.support.AbstractPointcutAdvisor;
import org.springframework.aop.support.StaticMethodMatcherPointcut;
import org.springframework.core.Ordered;

/**
 * Applies one annotation's interceptor to the methods that carry the annotation, as the
 * {@link AnnotationOperationSource} reports them. The order constants put
 * {@code @Remember} outermost, then {@code @WithLock}, then {@code @Forget}; all three
 * run outside advice of {@link Ordered#LOWEST_PRECEDENCE} such as a default
 * {@code @Transactional}.
 */
final class AnnotationInterceptorAdvisor extends AbstractPointcutAdvisor {

	private static final long serialVersionUID = 1L;

	/** Order of {@code @Remember}: outermost, so a cache hit never takes the lock. */
	static final int REMEMBER_ORDER = Ordered.LOWEST_PRECEDENCE - 300;

	/** Order of {@code @WithLock}: inside {@code @Remember}, outside {@code @Forget}. */
	static final int WITH_LOCK_ORDER = Ordered.LOWEST_PRECEDENCE - 200;

	/** Order of {@code @Forget}: innermost of the three. */
	static final int FORGET_ORDER = Ordered.LOWEST_PRECEDENCE - 100;

	private final transient Pointcut pointcut;

	private final transient MethodInterceptor interceptor;

	AnnotationInterceptorAdvisor(AnnotationOperationSource methods, Class<? extends Annotation> annotation,
			MethodInterceptor interceptor, int order) {
		this.pointcut = new AnnotationPointcut(methods, annotation);
		this.interceptor = interceptor;
		setOrder(order);
	}

	@Override
	public Pointcut getPointcut() {
		return this.pointcut;
	}

	@Override
	public Advice getAdvice() {
		return this.interceptor;
	}

	/** Matches the classes and methods that carry the annotation. */
	private static final class AnnotationPointcut extends StaticMethodMatcherPointcut {

		private final AnnotationOperationSource methods;

		private final Class<? extends Annotation> annotation;

		AnnotationPointcut(AnnotationOperationSource methods, Class<? extends Annotation> annotation) {
			this.methods = methods;
			this.annotation = annotation;
			setClassFilter((type) -> methods.hasAnnotatedMethods(type, annotation));
		}

		@Override
		public boolean matches(Method method, Class<?> targetClass) {
			return this.methods.get(method, targetClass).has(this.annotation);
		}

	}

}
