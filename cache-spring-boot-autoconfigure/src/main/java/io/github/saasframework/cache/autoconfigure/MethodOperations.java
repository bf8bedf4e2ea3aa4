package io.github.saasframework.cache.autoconfigure;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;

import io.github.saasframework.cache.annotation.Forget;
import io.github.saasframework.cache.annotation.Remember;
import io.github.saasframework.cache.annotation.WithLock;
import org.jspecify.annotations.Nullable;

/**
 * What the cache annotations ask of one method on one target class.
 *
 * @param method the most specific method, whose parameter names the expressions see
 * @param remember the {@code @Remember}, if any
 * @param withLock the {@code @WithLock}, if any
 * @param forget the {@code @Forget}, if any
 */
record MethodOperations(Method method, @Nullable RememberOperation remember, @Nullable WithLockOperation withLock,
		@Nullable ForgetOperation forget) {

	boolean isEmpty() {
		return this.remember == null && this.withLock == null && this.forget == null;
	}

	boolean has(Class<? extends Annotation> annotation) {
		if (annotation == Remember.class) {
			return this.remember != null;
		}
		if (annotation == WithLock.class) {
			return this.withLock != null;
		}
		if (annotation == Forget.class) {
			return this.forget != null;
		}
		return false;
	}

}
