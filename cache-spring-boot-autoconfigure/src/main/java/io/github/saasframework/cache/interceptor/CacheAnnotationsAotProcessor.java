package io.github.saasframework.cache.interceptor;

import java.lang.reflect.Method;
import java.util.Set;

import io.github.saasframework.cache.annotation.Forget;
import io.github.saasframework.cache.annotation.Remember;
import io.github.saasframework.cache.annotation.WithLock;
import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.ExecutableMode;
import org.springframework.aot.hint.ReflectionHints;
import org.springframework.beans.factory.aot.BeanRegistrationAotContribution;
import org.springframework.beans.factory.aot.BeanRegistrationAotProcessor;
import org.springframework.beans.factory.support.RegisteredBean;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;

/**
 * Registers, at build time, the reflection a native image needs for each bean method
 * annotated with {@link Remember @Remember}, {@link WithLock @WithLock} or
 * {@link Forget @Forget}: the method itself (its annotations are read, and the proxy may
 * invoke it reflectively), the types its arguments bind to in SpEL keys
 * ({@code #user.id}), and, for {@code @Remember}, the generic return type that values are
 * written as and read back into as JSON. Listed in {@code META-INF/spring/aot.factories}.
 */
public final class CacheAnnotationsAotProcessor implements BeanRegistrationAotProcessor {

	@Override
	public @Nullable BeanRegistrationAotContribution processAheadOfTime(RegisteredBean registeredBean) {
		Class<?> beanClass = ClassUtils.getUserClass(registeredBean.getBeanClass());
		Set<Method> methods = MethodIntrospector
			.selectMethods(beanClass,
					(MethodIntrospector.MetadataLookup<Boolean>) (method) -> isAnnotated(method) ? Boolean.TRUE : null)
			.keySet();
		if (methods.isEmpty()) {
			return null;
		}
		return (generationContext, code) -> {
			ReflectionHints reflection = generationContext.getRuntimeHints().reflection();
			BindingReflectionHintsRegistrar bindings = new BindingReflectionHintsRegistrar();
			for (Method method : methods) {
				reflection.registerMethod(method, ExecutableMode.INVOKE);
				bindings.registerReflectionHints(reflection, method.getGenericParameterTypes());
				if (AnnotatedElementUtils.hasAnnotation(method, Remember.class)) {
					bindings.registerReflectionHints(reflection, method.getGenericReturnType());
				}
			}
		};
	}

	private static boolean isAnnotated(Method method) {
		return AnnotatedElementUtils.hasAnnotation(method, Remember.class)
				|| AnnotatedElementUtils.hasAnnotation(method, WithLock.class)
				|| AnnotatedElementUtils.hasAnnotation(method, Forget.class);
	}

}
