package io.github.saasframework.cache.serializer;

import java.util.Collection;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamContext;
import tools.jackson.databind.BeanDescription;
import tools.jackson.databind.DeserializationConfig;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.deser.DeserializationProblemHandler;
import tools.jackson.databind.deser.ValueDeserializerModifier;
import tools.jackson.databind.deser.bean.BeanDeserializerBase;
import tools.jackson.databind.deser.std.DelegatingDeserializer;
import tools.jackson.databind.module.SimpleModule;

/**
 * Makes a JSON object none of whose properties match a property of the requested type
 * fail, instead of reading as a value with every property at its default ({@code 0},
 * {@code null}): what {@code {"user_id":7}} read into {@code record Plain(long userId)}
 * gives when unknown properties are ignored and absent primitives read as zero (both on
 * for Go's {@code omitempty}). Objects with at least one matching property, empty
 * objects, and types without properties read as before.
 * <p>
 * Each bean deserializer is wrapped; a problem handler counts the unknown properties the
 * bean deserializer reports for the object it is reading (a per-thread counter saved and
 * restored around nested objects, so nothing is allocated per object), and after the
 * object the wrapper compares that count with the object's entry count from the parser.
 */
final class PropertyMatchModule extends SimpleModule {

	private static final long serialVersionUID = 1L;

	private static final ThreadLocal<Frame> CURRENT = ThreadLocal.withInitial(Frame::new);

	private static final int NAMES_SHOWN = 8;

	PropertyMatchModule() {
		super("saasframework-cache-property-match");
	}

	@Override
	public void setupModule(SetupContext context) {
		super.setupModule(context);
		context.addDeserializerModifier(new WrapBeans());
		context.addHandler(new CountUnknown());
	}

	/**
	 * The bean deserializer reading the innermost object on this thread and the unknown
	 * properties it reported so far.
	 */
	private static final class Frame {

		@Nullable Object reader;

		int unknown;

	}

	private static final class WrapBeans extends ValueDeserializerModifier {

		private static final long serialVersionUID = 1L;

		@Override
		public ValueDeserializer<?> modifyDeserializer(DeserializationConfig config,
				BeanDescription.Supplier beanDescRef, ValueDeserializer<?> deserializer) {
			return (deserializer instanceof BeanDeserializerBase) ? new Checked(deserializer) : deserializer;
		}

	}

	private static final class CountUnknown extends DeserializationProblemHandler {

		@Override
		public boolean handleUnknownProperty(DeserializationContext context, JsonParser parser,
				ValueDeserializer<?> deserializer, Object beanOrClass, String propertyName) {
			Frame frame = CURRENT.get();
			if (frame.reader == deserializer) {
				frame.unknown++;
			}
			// not handled: Jackson skips it or fails, as the mapper is configured
			return false;
		}

	}

	/**
	 * A bean deserializer that fails when no property of the object matched.
	 */
	static final class Checked extends DelegatingDeserializer {

		private static final long serialVersionUID = 1L;

		Checked(ValueDeserializer<?> delegate) {
			super(delegate);
		}

		@Override
		protected ValueDeserializer<?> newDelegatingInstance(ValueDeserializer<?> delegate) {
			return new Checked(delegate);
		}

		@Override
		public Object deserialize(JsonParser parser, DeserializationContext context) {
			if (!parser.hasToken(JsonToken.START_OBJECT) && !parser.hasToken(JsonToken.PROPERTY_NAME)) {
				return this._delegatee.deserialize(parser, context);
			}
			// the object's own context: it still counts the object's entries once read
			TokenStreamContext object = parser.streamReadContext();
			Frame frame = CURRENT.get();
			Object outerReader = frame.reader;
			int outerUnknown = frame.unknown;
			frame.reader = this._delegatee;
			frame.unknown = 0;
			Object value;
			int unknown;
			try {
				value = this._delegatee.deserialize(parser, context);
				unknown = frame.unknown;
			}
			finally {
				frame.reader = outerReader;
				frame.unknown = outerUnknown;
			}
			if (unknown > 0 && unknown >= object.getEntryCount()) {
				Collection<Object> known = this._delegatee.getKnownPropertyNames();
				if (known != null && !known.isEmpty()) {
					throw new CacheShapeException(parser, noMatch(unknown, known), handledType());
				}
			}
			return value;
		}

		/**
		 * Names only the properties of the Java type, never the JSON's, which are part of
		 * the stored value.
		 */
		private String noMatch(int count, Collection<Object> known) {
			String names = known.stream()
				.limit(NAMES_SHOWN)
				.map(String::valueOf)
				.collect(Collectors.joining(", ", "", (known.size() > NAMES_SHOWN) ? ", ..." : ""));
			return "no property of the JSON object (" + count + " of them) matches a property of "
					+ handledType().getSimpleName() + " (" + names + "), even ignoring case as Go's"
					+ " encoding/json does; rename them with @JsonProperty or json tags on the other side";
		}

	}

}
