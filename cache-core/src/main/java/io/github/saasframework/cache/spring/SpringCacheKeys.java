package io.github.saasframework.cache.spring;

import java.lang.reflect.Method;
import java.util.UUID;

import org.springframework.cache.interceptor.SimpleKey;
import org.springframework.util.ReflectionUtils;

/**
 * Turns a key of Spring's cache abstraction into the text after
 * {@code <prefix>:<cacheName>:}: a {@code String} as it is; a number, boolean, enum,
 * {@code UUID} or character sequence as its text; Spring's {@link SimpleKey} (several
 * arguments) and any other key whose class defines {@code toString()} as that text.
 */
final class SpringCacheKeys {

	private SpringCacheKeys() {
	}

	static String toKey(String cacheName, Object key) {
		if (key instanceof String text) {
			return text;
		}
		if (key == null) {
			throw new IllegalArgumentException("key must not be null (cache '" + cacheName + "')");
		}
		if (key instanceof Number || key instanceof Boolean || key instanceof Enum<?> || key instanceof UUID
				|| key instanceof CharSequence || key instanceof SimpleKey || definesToString(key.getClass())) {
			return key.toString();
		}
		throw new IllegalArgumentException("key of cache '" + cacheName + "' is a " + key.getClass().getName()
				+ ", which has no text form: use a String or number key, a key expression such as"
				+ " key = \"#user.id\", or a class that overrides toString()");
	}

	private static boolean definesToString(Class<?> type) {
		Method toString = ReflectionUtils.findMethod(type, "toString");
		return toString != null && toString.getDeclaringClass() != Object.class;
	}

}
