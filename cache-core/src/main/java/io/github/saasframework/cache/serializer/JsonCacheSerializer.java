package io.github.saasframework.cache.serializer;

import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.exc.InvalidDefinitionException;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.util.TokenBuffer;

import io.github.saasframework.cache.internal.ReplayingSerializer;
import org.jspecify.annotations.Nullable;

import org.springframework.util.ClassUtils;

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
 * <strong>Reading as {@code Object}</strong> gives Jackson's natural types for JSON
 * ({@code Map}, {@code List}, {@code String}, {@code Integer}/{@code Long}/{@code
 * BigInteger}, {@code Double}, {@code Boolean}, {@code null}), and the stored text itself
 * as a {@code String} when the bytes are not JSON, that is when they do not parse as
 * exactly one complete JSON value ({@code hello}, {@code 42 apples}, empty bytes); bytes
 * that are not JSON and not UTF-8 either come back as {@code byte[]}. Strings are stored
 * without quotes, so a string whose text is itself JSON cannot be told from JSON: a raw
 * {@code "42"} reads back as the number {@code 42}, {@code "true"} as
 * {@code Boolean.TRUE}, {@code "null"} as {@code null} and {@code "[1]"} as a list. Ask
 * for {@code String} to get text back unchanged; {@link #checkReadsBack} reports such
 * values.
 * <p>
 * <strong>Property names match ignoring case</strong>, as Go's {@code encoding/json}
 * matches them: a Go struct without {@code json} tags writes {@code {"UserID":7}}, which
 * reads into {@code record Plain(long userId)}. Names that differ by more than case
 * ({@code user_id} and {@code userId}) do not match, in Go either. Unknown properties are
 * skipped and a missing primitive reads as its zero value (Go's {@code omitempty}), but a
 * JSON object <em>none</em> of whose properties matches a property of the requested type
 * fails with a {@link CacheSerializationException} naming the type and its properties,
 * instead of reading as a value with every property at its default. An empty object
 * {@code {}} still reads (Go writes it for a struct whose fields are all omitted), as
 * does any object read into a type without properties.
 * <p>
 * <strong>Spring Data's {@code Page} and {@code Slice}</strong> (when spring-data-commons
 * is on the classpath, as it is with Spring Data Redis) are written in the shape of
 * Spring Data's {@code PagedModel}:
 * {@code {"content":[...],"page":{"size":20,"number":0,"totalElements":42,"totalPages":3}}},
 * with the sort inside {@code "page"} when there is one
 * ({@code "sort":[{"property":"title","direction":"ASC"}]}) and a slice's
 * {@code "hasNext"} instead of the totals. They read back as {@code PageImpl} and
 * {@code SliceImpl} with the content typed by the requested type ({@code Page<Book>}).
 * {@code Optional}, records, enums, {@code java.time} types and {@code BigDecimal} are
 * Jackson 3's own.
 * <p>
 * The default mapper also rejects trailing content after the JSON value, so truncated or
 * concatenated bytes surface as a {@link CacheSerializationException} rather than a half
 * value. A mapper given to the constructor is used on a copy (for example the
 * application's, so {@code spring.jackson.*} settings apply) with the cache's settings
 * added: the application's own mapper is never changed. Thread-safe.
 *
 * @since 0.1.0
 */
public final class JsonCacheSerializer implements CacheSerializer, ReplayingSerializer {

	private static final byte[] EMPTY_OBJECT = "{}".getBytes(StandardCharsets.UTF_8);

	private static final boolean SPRING_DATA_PRESENT = ClassUtils.isPresent("org.springframework.data.domain.PageImpl",
			JsonCacheSerializer.class.getClassLoader());

	private static final int MAX_READERS = 1024;

	/**
	 * The largest value kept parsed for replays: the parsed form takes 3-5 times the
	 * bytes (1 004 bytes for a 205-byte bean with a list and a map), and a near cache is
	 * bounded by entries, not bytes.
	 */
	private static final int MAX_REPLAY_BYTES = 16 * 1024;

	private final JsonMapper mapper;

	private final ReadBackCheck readBack;

	/**
	 * A reader per requested type: each holds its type and root deserializer, so a read
	 * skips the type and deserializer lookups (shared caches that 8 threads on 2 cores
	 * were seen contending on). Bounded: types beyond the bound are read without caching.
	 */
	private final ConcurrentMap<Type, ObjectReader> readers = new ConcurrentHashMap<>();

	private final ObjectReader tokenReader;

	/**
	 * Creates a serializer on a default {@link JsonMapper} that also fails on trailing
	 * tokens.
	 */
	public JsonCacheSerializer() {
		this.mapper = forCache(JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS));
		this.readBack = new ReadBackCheck(this.mapper);
		this.tokenReader = this.mapper.readerFor(TokenBuffer.class);
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
		this.readBack = new ReadBackCheck(this.mapper);
		this.tokenReader = this.mapper.readerFor(TokenBuffer.class);
	}

	/**
	 * The settings every cache mapper gets, on a copy (the application's own mapper is
	 * never changed): a JSON object that omits a primitive field reads as the zero value,
	 * as Go's {@code encoding/json} writes {@code omitempty} fields; property names match
	 * ignoring case, as Go matches them, and an object none of whose properties matches
	 * fails; a value with no properties to write (which would be stored as {@code {}} and
	 * lose its data) is refused; Spring Data's pages are written and read as plain JSON.
	 * The cache's modules are added last, so they win over the application's for the same
	 * types. Buffers come from a pool per thread (see {@link PerThreadBuffersBuilder}).
	 */
	private static JsonMapper forCache(JsonMapper.Builder settings) {
		JsonMapper.Builder builder = new PerThreadBuffersBuilder(settings);
		builder.disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
			.enable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
			.enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_PROPERTIES)
			.addModule(new PropertyMatchModule())
			.addModule(new DirectCreatorModule());
		if (SPRING_DATA_PRESENT) {
			builder.addModule(new SpringDataPageModule());
		}
		return builder.build();
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
	 * Reads {@code String} and {@code byte[]} raw, {@code Object} as JSON's natural types
	 * or, when the bytes are not JSON, as raw text (see the class description), anything
	 * else as JSON of the given type.
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
		if (type == Object.class) {
			return readUntyped(bytes);
		}
		try {
			return reader(type).readValue(bytes);
		}
		catch (JacksonException | IllegalArgumentException ex) {
			// neither Jackson's message nor the exception goes along: both quote the
			// stored input, and a cached value must never reach a log through here
			throw new CacheSerializationException("Cannot read " + bytes.length + " bytes as JSON of type "
					+ type.getTypeName() + ": " + describe(ex));
		}
	}

	/**
	 * Not API (for the near cache): JSON of up to 16 KiB parsed into Jackson's
	 * {@link TokenBuffer}, which {@link #deserializeReplay} binds new values from without
	 * decoding text or numbers again; {@code null} for longer JSON and for the types read
	 * raw or untyped.
	 */
	@Override
	public @Nullable Object replayable(byte[] bytes, Type type) {
		if (bytes.length > MAX_REPLAY_BYTES || !replays(type)) {
			return null;
		}
		try {
			return this.tokenReader.readValue(bytes);
		}
		catch (JacksonException ex) {
			return null;
		}
	}

	/**
	 * Not API: whether {@link #deserializeReplay} reads the type (every type but those
	 * read raw or untyped).
	 */
	@Override
	public boolean replays(Type type) {
		return type != String.class && type != CharSequence.class && type != byte[].class && type != Object.class;
	}

	/**
	 * Not API: a new value bound from what {@link #replayable} returned, equal to what
	 * {@link #deserialize} reads from the bytes.
	 * @throws CacheSerializationException if the value cannot be bound as the type
	 */
	@Override
	public Object deserializeReplay(Object replay, Type type) {
		try {
			// the parser's context is a fresh one, as for a read of bytes: a deserializer
			// that reads through the parser must not share one across threads
			return reader(type).readValue(((TokenBuffer) replay).asParser(this.mapper._deserializationContext()));
		}
		catch (JacksonException | IllegalArgumentException ex) {
			throw new CacheSerializationException(
					"Cannot read parsed JSON as type " + type.getTypeName() + ": " + describe(ex));
		}
	}

	private ObjectReader reader(Type type) {
		ObjectReader reader = this.readers.get(type);
		if (reader == null) {
			reader = this.mapper.readerFor(this.mapper.constructType(type));
			if (this.readers.size() < MAX_READERS) {
				this.readers.putIfAbsent(type, reader);
			}
		}
		return reader;
	}

	/**
	 * One complete JSON value as its natural Java type, else the bytes as they are: text
	 * if they are UTF-8, else the bytes themselves.
	 */
	private Object readUntyped(byte[] bytes) {
		try (JsonParser parser = this.mapper.createParser(bytes)) {
			if (parser.nextToken() != null) {
				Object value = this.mapper.readValue(parser, Object.class);
				if (parser.nextToken() == null) {
					return value;
				}
			}
		}
		catch (JacksonException ex) {
			// not one JSON value (malformed, more than one value, beyond the parser's
			// limits): the raw bytes
		}
		try {
			return StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(bytes))
				.toString();
		}
		catch (CharacterCodingException ex) {
			return bytes;
		}
	}

	/**
	 * Checks that values of the declared type can be read back: Jackson finds a way to
	 * create the type and every type inside it from JSON (a record, a no-argument
	 * constructor with setters or fields, a {@code @JsonCreator}; an interface or
	 * abstract class only with {@code @JsonTypeInfo}), and, for a concrete class, every
	 * property it writes is one it reads. Answers are cached per type.
	 * @throws CacheSerializationException naming the type (or the type inside it) and the
	 * reason
	 */
	@Override
	public void checkReadable(Type declaredType) {
		String problem = this.readBack.problem(declaredType);
		if (problem != null) {
			throw new CacheSerializationException(
					"Values of " + declaredType.getTypeName() + " cannot be read back: " + problem);
		}
	}

	/**
	 * Checks that the value reads back as a value of its own class: what
	 * {@link #checkReadable(Type)} checks, done for the value's class (its subclass
	 * properties included), and that reading the declared type creates that class (a
	 * subclass declared as its superclass does not; Spring Data's {@code PageImpl} and
	 * {@code SliceImpl} declared as {@code Page}/{@code Slice} do). Declared as
	 * {@code Object} (or {@code Number}), only maps, lists, booleans, numbers and strings
	 * read back, and a {@code String} or number only when its JSON reads as its class
	 * again: not the text {@code "42"} (read as a number) nor the {@code Long} 42 (read
	 * as an {@code Integer}). Answers are cached per class and declared type; only a
	 * {@code String} or number declared as {@code Object} or {@code Number} is written
	 * and read once more to check.
	 * @throws CacheSerializationException naming the types and the reason, never the
	 * value
	 */
	@Override
	public void checkReadsBack(Object value, Type declaredType) {
		checkReadable(declaredType);
		String problem = this.readBack.problem(value.getClass(), declaredType);
		if (problem == null && ReadBackCheck.valueDecides(declaredType)
				&& (value instanceof String || value instanceof Number)) {
			Object back;
			try {
				back = deserialize(serialize(value), declaredType);
			}
			catch (CacheSerializationException ex) {
				back = null;
			}
			if (back == null || back.getClass() != value.getClass()) {
				problem = "this " + value.getClass().getSimpleName() + " reads back as "
						+ ((back != null) ? "a " + back.getClass().getName() : "null") + " when declared as "
						+ declaredType.getTypeName() + ", as its JSON says"
						+ ((value instanceof String) ? " (a string whose text is JSON is read as that JSON)" : "");
			}
		}
		if (problem != null) {
			throw new CacheSerializationException("A " + value.getClass().getName() + " declared as "
					+ declaredType.getTypeName() + " cannot be read back: " + problem);
		}
	}

	/**
	 * What went wrong, from the exception's type, location and path only: never from its
	 * message, which quotes the input (except for this library's own mismatches, whose
	 * messages name types and properties only).
	 */
	static String describe(Exception ex) {
		if (!(ex instanceof JacksonException jackson)) {
			return "the type cannot be read (" + ex.getClass().getSimpleName() + ")";
		}
		String path = path(jackson);
		String where = path.isEmpty() ? "" : " at " + path;
		if (ex instanceof CacheShapeException shape) {
			return shape.getOriginalMessage() + where;
		}
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
