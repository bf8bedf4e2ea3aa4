package io.github.saasframework.cache.serializer;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.deser.SettableBeanProperty;
import tools.jackson.databind.deser.ValueInstantiator;
import tools.jackson.databind.deser.bean.BeanDeserializerBase;
import tools.jackson.databind.deser.AbstractDeserializer;
import tools.jackson.databind.deser.std.DelegatingDeserializer;
import tools.jackson.databind.introspect.AnnotatedMethod;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.ser.BeanPropertyWriter;
import tools.jackson.databind.ser.PropertyWriter;
import tools.jackson.databind.ser.bean.BeanSerializerBase;

import org.springframework.util.ClassUtils;

/**
 * Answers, without a value and once per type, whether what {@link JsonCacheSerializer}
 * writes reads back: for a declared type, whether Jackson can create values of it (and of
 * every type inside it) from JSON and reads every property it writes (a getter computed
 * from what reads back excepted); for a value's class under a declared type, also whether
 * reading gives a value of that class rather than of another one (a subclass read as its
 * declared superclass, a {@code Long} declared as {@code Object} read as an
 * {@code Integer}). Answers are cached per type; the mapper's own deserializer and
 * serializer caches make the first answer cheap too.
 */
final class ReadBackCheck {

	private static final String READABLE = "";

	private final JsonMapper mapper;

	private final ConcurrentMap<Type, String> byType = new ConcurrentHashMap<>();

	private final ConcurrentMap<Type, ConcurrentMap<Class<?>, String>> byValueClass = new ConcurrentHashMap<>();

	ReadBackCheck(JsonMapper mapper) {
		this.mapper = mapper;
	}

	/**
	 * Why values of the declared type cannot be read back, or {@code null} if they can.
	 */
	@Nullable String problem(Type declaredType) {
		return orNull(this.byType.computeIfAbsent(declaredType, (type) -> compute(type, null)));
	}

	/**
	 * Why a value of the class, written and read back as the declared type, would not
	 * come back as a value of its class, or {@code null} if it does (for a declared type
	 * whose value decides, see {@link #valueDecides}, as far as the class can tell).
	 */
	@Nullable String problem(Class<?> valueClass, Type declaredType) {
		return orNull(this.byValueClass.computeIfAbsent(declaredType, (type) -> new ConcurrentHashMap<>())
			.computeIfAbsent(valueClass, (type) -> compute(declaredType, valueClass)));
	}

	/**
	 * Whether the declared type is read by what the JSON holds rather than by the type
	 * ({@code Object}, {@code Number}): a {@code String} or a number may then come back
	 * as another class depending on its value ({@code "42"}, {@code 42L}).
	 */
	static boolean valueDecides(Type declaredType) {
		return declaredType == Object.class || declaredType == Number.class;
	}

	private static @Nullable String orNull(String answer) {
		return answer.isEmpty() ? null : answer;
	}

	private String compute(Type declaredType, @Nullable Class<?> valueClass) {
		if (declaredType == String.class || declaredType == CharSequence.class || declaredType == byte[].class) {
			// stored raw and read back raw
			Class<?> raw = (declaredType == byte[].class) ? byte[].class : String.class;
			return (valueClass == null || valueClass == raw) ? READABLE
					: "a " + valueClass.getName() + " is written as JSON but " + declaredType.getTypeName()
							+ " is read back raw; only a " + raw.getSimpleName() + " reads back as one";
		}
		JavaType type;
		try {
			type = this.mapper.constructType(declaredType);
		}
		catch (IllegalArgumentException ex) {
			return "Jackson cannot resolve the type " + declaredType.getTypeName();
		}
		if (valueClass != null && !ClassUtils.isAssignable(type.getRawClass(), valueClass)) {
			return "a " + valueClass.getName() + " is not a " + declaredType.getTypeName();
		}
		if (valueClass != null && valueDecides(declaredType)) {
			return untyped(valueClass);
		}
		String problem = new Walk().check(type, valueClass);
		return (problem != null) ? problem : READABLE;
	}

	/**
	 * Declared as {@code Object} or {@code Number}: JSON reads as Jackson's natural
	 * types.
	 */
	private static String untyped(Class<?> valueClass) {
		if (Map.class.isAssignableFrom(valueClass) || List.class.isAssignableFrom(valueClass)
				|| valueClass == Boolean.class || valueClass == String.class
				|| Number.class.isAssignableFrom(valueClass)) {
			// a map and a list come back as a LinkedHashMap and an ArrayList; a string or
			// a
			// number as the class its value gives (checked with the value)
			return READABLE;
		}
		return "a " + valueClass.getName() + " declared as Object is read back as a Map, List, String, number or"
				+ " boolean, not a " + valueClass.getSimpleName() + "; declare its type";
	}

	/**
	 * One walk over a type and the types inside it, each visited once.
	 */
	private final class Walk {

		private final DeserializationContext reading = ReadBackCheck.this.mapper._deserializationContext();

		private final SerializationContext writing = ReadBackCheck.this.mapper._serializationContext();

		private final Set<JavaType> seen = new HashSet<>();

		@Nullable String check(JavaType type, @Nullable Class<?> valueClass) {
			if (!this.seen.add(type) && valueClass == null) {
				return null;
			}
			ValueDeserializer<Object> found;
			try {
				found = this.reading.findRootValueDeserializer(type);
			}
			catch (JacksonException ex) {
				return name(type) + " cannot be read from JSON: " + JsonCacheSerializer.describe(ex);
			}
			ValueDeserializer<?> deserializer = found;
			while (deserializer instanceof DelegatingDeserializer delegating && delegating.getDelegatee() != null) {
				deserializer = delegating.getDelegatee();
			}
			if (deserializer instanceof ContentTyped pages) {
				if (valueClass != null && !pages.produces(valueClass)) {
					return "a " + valueClass.getName() + " reads back as another class when declared as " + name(type)
							+ " (only Spring Data's PageImpl and SliceImpl do)";
				}
				return within(type, check(pages.contentType(), null));
			}
			if (type.isContainerType() || type.isReferenceType()) {
				return within(type, check(type.getContentType(), null));
			}
			if (deserializer instanceof AbstractDeserializer) {
				if (this.reading.findTypeDeserializer(type) != null) {
					// polymorphic by the type's own @JsonTypeInfo: the JSON names its
					// class
					return null;
				}
				return name(type) + " is abstract and the JSON names no class, so Jackson cannot tell what to"
						+ " create; declare a concrete type";
			}
			if (deserializer instanceof BeanDeserializerBase bean) {
				return bean(type, valueClass, bean);
			}
			return null;
		}

		private @Nullable String bean(JavaType type, @Nullable Class<?> valueClass, BeanDeserializerBase bean) {
			if (!bean.getValueInstantiator().canInstantiate()) {
				return name(type) + " has no constructor or factory method Jackson can create it with (a"
						+ " record, a no-argument constructor or a @JsonCreator)";
			}
			if (valueClass != null && valueClass != bean.handledType()) {
				return "a " + valueClass.getName() + " reads back as a " + bean.handledType().getName()
						+ " when declared as " + name(type) + ", losing what makes it a " + valueClass.getSimpleName()
						+ "; declare the class it is";
			}
			Class<?> written = (valueClass != null) ? valueClass : concrete(type.getRawClass());
			ValueInstantiator instantiator = bean.getValueInstantiator();
			if (written == null || (instantiator.canCreateUsingDelegate() && !instantiator.canCreateFromObjectWith()
					&& !instantiator.canCreateUsingDefault())) {
				// a delegating creator reads the whole object its own way: nothing to
				// compare
				return properties(bean);
			}
			ValueSerializer<Object> serializer;
			try {
				serializer = this.writing.findValueSerializer(type);
			}
			catch (JacksonException ex) {
				return name(type) + " cannot be written as JSON: " + ex.getClass().getSimpleName();
			}
			if (!(serializer instanceof BeanSerializerBase beanSerializer)) {
				return properties(bean);
			}
			Set<String> readable = readableNames(bean);
			for (Iterator<PropertyWriter> it = beanSerializer.properties(); it.hasNext();) {
				PropertyWriter writer = it.next();
				if (writer instanceof BeanPropertyWriter property && property.isUnwrapping()) {
					// @JsonUnwrapped: written as the inner value's properties
					continue;
				}
				String name = writer.getName();
				if (!bean.hasAnySetter() && !readable.contains(name.toLowerCase(Locale.ROOT))
						&& !computed(writer, written, readable)) {
					return "property '" + name + "' of " + name(type) + " is written but cannot be read back (no"
							+ " setter, field or constructor parameter takes it)";
				}
			}
			return properties(bean);
		}

		/**
		 * Whether a property that nothing reads back is only computed from what does: a
		 * getter (such as a JPA entity's {@code isNew()} or a {@code getFullName()}) of a
		 * class every instance field of which reads back. Reading skips it (unknown
		 * properties are skipped) and the getter computes it again from the state that
		 * was read, so nothing is lost; a getter that exposes a field nothing reads back
		 * still is a loss.
		 */
		private static boolean computed(PropertyWriter writer, Class<?> type, Set<String> readable) {
			if (!(writer.getMember() instanceof AnnotatedMethod)) {
				return false;
			}
			for (Class<?> declaring = type; declaring != null
					&& declaring != Object.class; declaring = declaring.getSuperclass()) {
				for (Field field : declaring.getDeclaredFields()) {
					int modifiers = field.getModifiers();
					if (!Modifier.isStatic(modifiers) && !Modifier.isTransient(modifiers) && !field.isSynthetic()
							&& !readable.contains(field.getName().toLowerCase(Locale.ROOT))) {
						return false;
					}
				}
			}
			return true;
		}

		private @Nullable String properties(BeanDeserializerBase bean) {
			for (Iterator<SettableBeanProperty> it = bean.properties(); it.hasNext();) {
				SettableBeanProperty property = it.next();
				String problem = check(property.getType(), null);
				if (problem != null) {
					return problem + " (property '" + property.getName() + "' of " + bean.handledType().getSimpleName()
							+ ")";
				}
			}
			return null;
		}

		private Set<String> readableNames(BeanDeserializerBase bean) {
			Set<String> names = new HashSet<>();
			for (Object name : bean.getKnownPropertyNames()) {
				// the cache's mapper matches names ignoring case
				names.add(String.valueOf(name).toLowerCase(Locale.ROOT));
			}
			return names;
		}

		private @Nullable String within(JavaType container, @Nullable String problem) {
			return (problem != null) ? problem + " (inside " + name(container) + ")" : null;
		}

	}

	private static @Nullable Class<?> concrete(Class<?> type) {
		return (type.isInterface() || Modifier.isAbstract(type.getModifiers())) ? null : type;
	}

	private static String name(JavaType type) {
		return type.toCanonical();
	}

}
