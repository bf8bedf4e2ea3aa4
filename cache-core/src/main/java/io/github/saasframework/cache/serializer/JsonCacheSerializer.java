package io.github.saasframework.cache.serializer;

import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JavaType;
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

	private final JsonMapper mapper;

	/**
	 * Creates a serializer on a default {@link JsonMapper} that also fails on trailing
	 * tokens.
	 */
	public JsonCacheSerializer() {
		this(JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build());
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
		this.mapper = mapper;
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
			throw new CacheSerializationException("Cannot read " + bytes.length + " bytes as JSON of type "
					+ type.getTypeName() + ": " + describe(ex), ex);
		}
	}

	private static String describe(Exception ex) {
		// Jackson's full message quotes the offending input; keep only its own first line
		// so
		// that cached values never end up in logs through this exception.
		String message = (ex instanceof JacksonException jackson) ? jackson.getOriginalMessage() : ex.getMessage();
		if (message == null) {
			return ex.getClass().getSimpleName();
		}
		int newline = message.indexOf('\n');
		return (newline >= 0) ? message.substring(0, newline) : message;
	}

}
