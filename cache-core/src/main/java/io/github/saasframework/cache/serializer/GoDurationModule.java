package io.github.saasframework.cache.serializer;

import java.time.Duration;
import java.time.format.DateTimeParseException;

import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.deser.std.StdScalarDeserializer;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.ser.std.StdScalarSerializer;

/**
 * A Jackson module that writes and reads {@link Duration} as Go's {@code encoding/json}
 * writes a {@code time.Duration}: an integer number of nanoseconds ({@code 1500000000}
 * for 1.5 s). Without it Jackson writes {@code "PT1.5S"}, which Go refuses, and reads
 * Go's {@code 1500000000} as that many <em>seconds</em>, silently.
 * <p>
 * Opt-in, because it changes what {@code Duration} values look like in Redis: the Spring
 * Boot starter registers it on the cache's own copy of the mapper with
 * {@code app.cache.json.go-durations=true}; without Boot, give
 * {@link JsonCacheSerializer#JsonCacheSerializer(tools.jackson.databind.json.JsonMapper)}
 * a mapper built with {@code JsonMapper.builder().addModule(new GoDurationModule())}.
 * Reading also accepts ISO-8601 text ({@code "PT1.5S"}), so values written before it was
 * switched on still read. The range is Go's: about ±292 years; a longer duration cannot
 * be written.
 *
 * @since 0.1.0
 */
public final class GoDurationModule extends SimpleModule {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates the module.
	 */
	public GoDurationModule() {
		super("GoDurationModule");
		addSerializer(Duration.class, new NanosecondsSerializer());
		addDeserializer(Duration.class, new NanosecondsDeserializer());
	}

	private static final class NanosecondsSerializer extends StdScalarSerializer<Duration> {

		NanosecondsSerializer() {
			super(Duration.class);
		}

		@Override
		public void serialize(Duration value, JsonGenerator generator, SerializationContext context) {
			long nanos;
			try {
				nanos = value.toNanos();
			}
			catch (ArithmeticException ex) {
				context.reportMappingProblem(ex,
						"A Duration of %s does not fit Go's time.Duration " + "(64-bit nanoseconds, about 292 years)",
						value.toDays() + " days");
				return;
			}
			generator.writeNumber(nanos);
		}

	}

	private static final class NanosecondsDeserializer extends StdScalarDeserializer<Duration> {

		NanosecondsDeserializer() {
			super(Duration.class);
		}

		@Override
		public Duration deserialize(JsonParser parser, DeserializationContext context) {
			JsonToken token = parser.currentToken();
			if (token == JsonToken.VALUE_NUMBER_INT) {
				return Duration.ofNanos(parser.getLongValue());
			}
			if (token == JsonToken.VALUE_STRING) {
				try {
					return Duration.parse(parser.getString().trim());
				}
				catch (DateTimeParseException ex) {
					return (Duration) context.handleWeirdStringValue(Duration.class, parser.getString(),
							"not integer nanoseconds (Go's time.Duration) nor ISO-8601 text");
				}
			}
			return (Duration) context.handleUnexpectedToken(Duration.class, parser);
		}

	}

}
