package io.github.saasframework.cache.internal.near;

import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.ZoneId;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

/**
 * Tells which requested types the near cache may answer with one decoded object shared by
 * every caller: only types whose instances nobody can change. Everything else is decoded
 * anew on every hit, so callers never share a mutable object.
 * <p>
 * Shareable: {@code String}, the boxed primitives, {@code BigInteger},
 * {@code BigDecimal}, {@code UUID}, the final classes of {@code java.time} (and
 * {@code ZoneId}), enums, and records whose components are all primitives or shareable
 * types, recursively. A generic type ({@code List<String>}, a record with a type
 * parameter) or an array never is.
 */
public final class ImmutableTypes {

	private static final Set<Class<?>> VALUE_CLASSES = Set.of(String.class, Boolean.class, Character.class, Byte.class,
			Short.class, Integer.class, Long.class, Float.class, Double.class, BigInteger.class, BigDecimal.class,
			UUID.class, ZoneId.class);

	private static final ClassValue<Boolean> SHAREABLE = new ClassValue<>() {

		@Override
		protected Boolean computeValue(Class<?> type) {
			return isImmutable(type, new HashSet<>());
		}

	};

	private ImmutableTypes() {
	}

	/**
	 * Whether values decoded as {@code type} may be handed to several callers.
	 */
	public static boolean isShareable(Type type) {
		return type instanceof Class<?> cls && SHAREABLE.get(cls);
	}

	private static boolean isImmutable(Class<?> type, Set<Class<?>> seen) {
		if (type.isPrimitive() || VALUE_CLASSES.contains(type) || type.isEnum()) {
			return true;
		}
		if ("java.time".equals(type.getPackageName()) && Modifier.isFinal(type.getModifiers())) {
			return true;
		}
		if (!type.isRecord() || type.getTypeParameters().length > 0) {
			return false;
		}
		if (!seen.add(type)) {
			// a record that contains itself: judged by its other components
			return true;
		}
		for (RecordComponent component : type.getRecordComponents()) {
			if (!(component.getGenericType() instanceof Class<?> componentType) || !isImmutable(componentType, seen)) {
				return false;
			}
		}
		return true;
	}

}
