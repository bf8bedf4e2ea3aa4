package io.github.saasframework.cache.internal;

import java.lang.reflect.Type;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import io.github.saasframework.cache.serializer.CacheSerializationException;
import io.github.saasframework.cache.serializer.CacheSerializer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Keeps one cached method from storing values that cannot be read back as its declared
 * type (which would make every later read fail until the entry expires). Asks the
 * serializer's {@link CacheSerializer#checkReadable} once for the declared type (at
 * startup where the application is walked, else on first use) and
 * {@link CacheSerializer#checkReadsBack} once per class of value written, and keeps the
 * answers: a write asks one map lookup, except for a {@code String} or number declared as
 * {@code Object} or {@code Number}, where the value itself decides. Each problem is
 * logged once, at ERROR, naming the method and the types (never a value). Thread-safe.
 */
public final class ReadBackGuard {

	private static final Log logger = LogFactory.getLog(ReadBackGuard.class);

	private static final String READABLE = "";

	private final String method;

	private final Type declaredType;

	private final CacheSerializer serializer;

	private final boolean valueDecides;

	private volatile @Nullable String typeProblem;

	private final ConcurrentMap<Class<?>, String> byClass = new ConcurrentHashMap<>();

	private final Set<Class<?>> logged = ConcurrentHashMap.newKeySet();

	/**
	 * A guard for one method.
	 * @param method the method, for messages ({@code com.example.Books.find(long)})
	 * @param declaredType the type its values are read back as
	 * @param serializer the cache's serializer
	 */
	public ReadBackGuard(String method, Type declaredType, CacheSerializer serializer) {
		this.method = method;
		this.declaredType = declaredType;
		this.serializer = serializer;
		this.valueDecides = declaredType == Object.class || declaredType == Number.class;
	}

	/**
	 * The method this guard is for.
	 * @return its description
	 */
	public String method() {
		return this.method;
	}

	/**
	 * The type values are read back as.
	 * @return the declared type
	 */
	public Type declaredType() {
		return this.declaredType;
	}

	/**
	 * Whether values of the declared type can be read back at all; asked once, the answer
	 * kept (and a problem logged once).
	 * @return {@code false} when the method must run without the cache
	 */
	public boolean typeReadable() {
		String problem = this.typeProblem;
		if (problem == null) {
			problem = check(null);
			this.typeProblem = problem;
			if (!problem.isEmpty()) {
				logger.error("Method " + this.method + " runs without the cache: its results are never stored. "
						+ problem + ". Fix the type (a record, a no-argument constructor or a @JsonCreator; a"
						+ " concrete declared type) or the serializer.");
			}
		}
		return problem.isEmpty();
	}

	/**
	 * Whether a value may be stored: its declared type reads back, and so does this
	 * value's class under it. A refusal is logged once per class.
	 * @param value the value about to be stored
	 * @return {@code false} to run without the cache instead of storing it
	 */
	public boolean mayStore(Object value) {
		if (!typeReadable()) {
			return false;
		}
		Class<?> valueClass = value.getClass();
		String problem;
		if (this.valueDecides && (value instanceof String || value instanceof Number)) {
			problem = check(value);
		}
		else {
			problem = this.byClass.get(valueClass);
			if (problem == null) {
				problem = this.byClass.computeIfAbsent(valueClass, (type) -> check(value));
			}
		}
		if (problem.isEmpty()) {
			return true;
		}
		if (this.logged.add(valueClass)) {
			logger.error("A " + valueClass.getName() + " returned by " + this.method
					+ " is not stored (the call runs without the cache): " + problem
					+ ". Declare the type the method returns.");
		}
		return false;
	}

	private String check(@Nullable Object value) {
		try {
			if (value == null) {
				this.serializer.checkReadable(this.declaredType);
			}
			else {
				this.serializer.checkReadsBack(value, this.declaredType);
			}
			return READABLE;
		}
		catch (CacheSerializationException ex) {
			String message = ex.getMessage();
			return (message != null && !message.isEmpty()) ? message
					: "values of " + this.declaredType.getTypeName() + " cannot be read back";
		}
	}

	@Override
	public String toString() {
		return "ReadBackGuard[" + this.method + " as " + this.declaredType.getTypeName() + "]";
	}

}
