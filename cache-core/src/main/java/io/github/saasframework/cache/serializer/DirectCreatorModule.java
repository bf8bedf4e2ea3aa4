package io.github.saasframework.cache.serializer;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.BeanDescription;
import tools.jackson.databind.DeserializationConfig;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.deser.ValueInstantiator;
import tools.jackson.databind.deser.ValueInstantiators;
import tools.jackson.databind.deser.std.StdValueInstantiator;
import tools.jackson.databind.introspect.AnnotatedConstructor;
import tools.jackson.databind.introspect.AnnotatedWithParams;
import tools.jackson.databind.module.SimpleModule;

/**
 * Calls the constructor that creates a value from its properties (a record's canonical
 * constructor, a {@code @JsonCreator} constructor) through a method handle built once per
 * type. Jackson 3.1 calls it with {@code MethodHandle.invokeWithArguments}, which adapts
 * the handle to the argument array on every call: about 85 ns of a record's 580 ns decode
 * on the machine of {@code docs/benchmarks.md}, against 5 ns this way. What is created,
 * which constructor and how its failures are reported ({@code rewrapCtorProblem} and the
 * context's problem handlers, as Jackson does) do not change; a constructor whose handle
 * cannot be made is left to Jackson.
 */
final class DirectCreatorModule extends SimpleModule {

	private static final long serialVersionUID = 1L;

	private static final MethodType SPREAD = MethodType.methodType(Object.class, Object[].class);

	DirectCreatorModule() {
		super("saasframework-cache-direct-creator");
	}

	@Override
	public void setupModule(SetupContext context) {
		super.setupModule(context);
		context.addValueInstantiators(new Instantiators());
	}

	private static final class Instantiators extends ValueInstantiators.Base {

		@Override
		public ValueInstantiator modifyValueInstantiator(DeserializationConfig config,
				BeanDescription.Supplier description, ValueInstantiator instantiator) {
			if (instantiator.getClass() != StdValueInstantiator.class) {
				return instantiator;
			}
			AnnotatedWithParams creator = instantiator.getWithArgsCreator();
			MethodHandle handle = (creator instanceof AnnotatedConstructor constructor)
					? spreading(constructor.getAnnotated()) : null;
			return (handle != null) ? new Direct((StdValueInstantiator) instantiator, handle) : instantiator;
		}

		/**
		 * {@code (Object[]) -> Object} on the constructor, or {@code null} where Java's
		 * access rules do not allow it (Jackson then calls it as before).
		 */
		private static @Nullable MethodHandle spreading(Constructor<?> constructor) {
			try {
				MethodHandle handle = MethodHandles.lookup().unreflectConstructor(constructor).asFixedArity();
				return handle.asSpreader(Object[].class, constructor.getParameterCount()).asType(SPREAD);
			}
			catch (IllegalAccessException | RuntimeException ex) {
				return null;
			}
		}

	}

	private static final class Direct extends StdValueInstantiator {

		private final MethodHandle creator;

		Direct(StdValueInstantiator instantiator, MethodHandle creator) {
			super(instantiator);
			this.creator = creator;
		}

		@Override
		public Object createFromObjectWith(DeserializationContext context, Object[] args) throws JacksonException {
			try {
				return (Object) this.creator.invokeExact(args);
			}
			catch (Error ex) {
				throw ex;
			}
			catch (Throwable ex) {
				// as Jackson's own call: the constructor's exception, wrapped, to the
				// context's problem handlers
				return context.handleInstantiationProblem(getValueClass(), args, rewrapCtorProblem(context, ex));
			}
		}

	}

}
