package io.github.saasframework.cache.serializer;

import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;

import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.exc.InvalidDefinitionException;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The default serializer: {@code String} and {@code byte[]} values raw, every other value
 * as plain JSON written by Jackson 3, with no type metadata and no default typing.
 * <p>
 * Reading uses the requested type, so generic types such as {@code List<User>} (passed as
 * a {@link java.lang.reflect.ParameterizedType}) come back typed; asking for
 * {@code String} or {@code byte[]} returns the stored bytes as they are. Because no class
 * names are stored, values written by other services and languages (the Go package this
 * library ports writes the same format) read back, and stored bytes can never make
 * Jackson instantiate a class that the caller did not ask for.
 * <p>
 * The default mapper also rejects trailing content after the JSON value, so truncated or
 * concatenated bytes surface as a {@link CacheSerializationException} rather than a half
 * value. A mapper given to the constructor is used as it is (for example the
 * application's, so {@code spring.jackson.*} settings apply). Thread-safe.
 *
 * @since 0.1.0
 */
public final class JsonCacheSerializer implements CacheSerializer {

	private static final byte[] EMPTY_OBJECT = "{}".getBytes(StandardCharsets.UTF_8);

	private final JsonMapper mapper;

	/**
	 * Creates a serializer on a default {@link JsonMapper} that also fails on trailing
	 * tokens.
	 */
	public JsonCacheSerializer() {
		this.mapper = forCache(JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS));
	}

	/**
	 * Creates a serializer on the given mapper.
	 * @param mapper the Jackson 3 mapper to write and read JSON with
	 * @throws IllegalArgumentException if {@code mapper} is null
	 */
	public JsonCacheSerializer(JsonMapper mapper) {
		if (mapper == null) {
			throw new IllegalArgumentException("mapper must not be null");
		}
		this.mapper = forCache(mapper.rebuild());
	}

	/**
	 * The two settings every cache mapper gets, on a copy (the application's own mapper
	 * is never changed): a JSON object that omits a primitive field reads as the zero
	 * value, as Go's {@code encoding/json} writes {@code omitempty} fields; a value with
	 * no properties to write (which would be stored as {@code {}} and lose its data) is
	 * refused.
	 */
	private static JsonMapper forCache(JsonMapper.Builder builder) {
		return builder.disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
			.enable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
			.build();
	}

	/**
	 * Writes {@code String} as UTF-8 and {@code byte[]} as it is, anything else as JSON.
	 * @throws CacheSerializationException if Jackson cannot write the value (for example
	 * a bean without properties, or a getter that throws); the message names the value's
	 * class only
	 */
	@Override
	public byte[] serialize(Object value) {
		if (value instanceof String string) {
			return string.getBytes(StandardCharsets.UTF_8);
		}
		if (value instanceof byte[] bytes) {
			return bytes;
		}
		try {
			return this.mapper.writeValueAsBytes(value);
		}
		catch (InvalidDefinitionException ex) {
			if (value instanceof Record) {
				// a record without components is an empty value, not lost data
				return EMPTY_OBJECT.clone();
			}
			throw new CacheSerializationException("Cannot write a value of " + value.getClass().getName()
					+ " as JSON: it has no properties to write (no getters or public fields), so it would be stored"
					+ " as {} and its data lost; give it getters or annotate its fields with @JsonProperty", ex);
		}
		catch (JacksonException ex) {
			throw new CacheSerializationException(
					"Cannot write a value of " + value.getClass().getName() + " as JSON: " + ex.getOriginalMessage(),
					ex);
		}
	}

	/**
	 * Reads {@code String} and {@code byte[]} raw, anything else as JSON of the given
	 * type.
	 * @throws CacheSerializationException if the bytes are not valid JSON of the type;
	 * the message names the type, never the bytes
	 */
	@Override
	public Object deserialize(byte[] bytes, Type type) {
		if (type == String.class || type == CharSequence.class) {
			return new String(bytes, StandardCharsets.UTF_8);
		}
		if (type == byte[].class) {
			return bytes;
		}
		try {
			JavaType javaType = this.mapper.constructType(type);
			return this.mapper.readValue(bytes, javaType);
		}
		catch (JacksonException | IllegalArgumentException ex) {
			// neither Jackson's message nor the exception goes along: both quote the
			// stored input, and a cached value must never reach a log through here
			throw new CacheSerializationException("Cannot read " + bytes.length + " bytes as JSON of type "
					+ type.getTypeName() + ": " + describe(ex));
		}
	}

	/**
	 * What went wrong, from the exception's type, location and path only: never from its
	 * message, which quotes the input.
	 */
	static String describe(Exception ex) {
		if (!(ex instanceof JacksonException jackson)) {
			return "the type cannot be read (" + ex.getClass().getSimpleName() + ")";
		}
		String path = path(jackson);
		String where = path.isEmpty() ? "" : " at " + path;
		if (ex instanceof UnrecognizedPropertyException unknown) {
			return "unknown property '" + unknown.getPropertyName() + "'" + where;
		}
		if (ex instanceof InvalidFormatException invalid) {
			return "a value that is not a valid " + simpleName(invalid.getTargetType()) + where;
		}
		if (ex instanceof MismatchedInputException mismatched) {
			return "JSON of another shape than " + simpleName(mismatched.getTargetType()) + where;
		}
		if (ex instanceof StreamReadException read) {
			TokenStreamLocation location = read.getLocation();
			return "malformed JSON" + ((location != null)
					? " at line " + location.getLineNr() + ", column " + location.getColumnNr() : "");
		}
		if (ex instanceof InvalidDefinitionException) {
			return "the type cannot be read from JSON (no creator or setters Jackson can use)" + where;
		}
		return ex.getClass().getSimpleName() + where;
	}

	private static String path(JacksonException ex) {
		StringBuilder path = new StringBuilder();
		for (JacksonException.Reference reference : ex.getPath()) {
			String name = reference.getPropertyName();
			if (name != null) {
				path.append((path.length() > 0) ? "." : "").append(name);
			}
			else if (reference.getIndex() >= 0) {
				path.append('[').append(reference.getIndex()).append(']');
			}
		}
		return path.toString();
	}

	private static String simpleName(Class<?> type) {
		return (type != null) ? type.getSimpleName() : "the requested type";
	}

}
