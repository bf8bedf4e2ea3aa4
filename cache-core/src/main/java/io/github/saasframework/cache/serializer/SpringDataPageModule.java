package io.github.saasframework.cache.serializer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonFormat;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.BeanDescription;
import tools.jackson.databind.DeserializationConfig;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.SerializationConfig;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.deser.Deserializers;
import tools.jackson.databind.deser.std.StdDeserializer;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.ser.Serializers;
import tools.jackson.databind.ser.std.StdSerializer;

import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageImpl;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Pageable;
import org.springframework.data.domain.Slice;
import org.springframework.data.domain.SliceImpl;
import org.springframework.data.domain.Sort;

/**
 * Writes Spring Data's {@link PageImpl} and {@link SliceImpl} as plain JSON and reads
 * {@code Page}, {@code Slice}, {@code PageImpl} and {@code SliceImpl} back, the content
 * typed by the requested generic type. A page is written in the shape of Spring Data's
 * own {@code PagedModel} (what a Spring MVC controller returns for a page with
 * {@code @EnableSpringDataWebSupport(pageSerializationMode = VIA_DTO)}), plus the sort
 * when there is one:
 *
 * <pre class="code">
 * {"content":[...],"page":{"size":20,"number":0,"totalElements":42,"totalPages":3,
 *                          "sort":[{"property":"title","direction":"ASC"}]}}
 * </pre>
 *
 * A slice has {@code "hasNext"} instead of the two totals. {@code "sort"} is left out
 * when unsorted, an order's {@code "ignoreCase":true} and {@code "nullHandling"} only
 * when they are not the defaults, and {@code "unpaged":true} is added for an unpaged
 * page. Only the exact classes {@code PageImpl}/{@code SliceImpl} are written this way,
 * so a subclass with more state (Spring Data's {@code GeoPage}) keeps its bean form and
 * is reported by the read-back check rather than stored without its extra state.
 * Registered by {@link JsonCacheSerializer} when spring-data-commons is on the classpath;
 * loaded only then.
 */
final class SpringDataPageModule extends SimpleModule {

	private static final long serialVersionUID = 1L;

	SpringDataPageModule() {
		super("saasframework-cache-spring-data-pages");
	}

	@Override
	public void setupModule(SetupContext context) {
		super.setupModule(context);
		context.addSerializers(new PageSerializers());
		context.addDeserializers(new PageDeserializers());
		// replaces the mix-in Spring Data's own page module puts on PageImpl (its
		// converter to PagedModel, which drops the sort and an unpaged request); this
		// module is added after the application's, so its mix-ins win
		context.setMixIn(PageImpl.class, NoAnnotations.class);
		context.setMixIn(SliceImpl.class, NoAnnotations.class);
	}

	/**
	 * A mix-in without annotations.
	 */
	private abstract static class NoAnnotations {

	}

	private static final class PageSerializers extends Serializers.Base {

		@Override
		public @Nullable ValueSerializer<?> findSerializer(SerializationConfig config, JavaType type,
				BeanDescription.Supplier beanDescRef, JsonFormat.@Nullable Value formatOverrides) {
			Class<?> raw = type.getRawClass();
			return (raw == PageImpl.class || raw == SliceImpl.class) ? new ChunkSerializer() : null;
		}

	}

	private static final class PageDeserializers extends Deserializers.Base {

		@Override
		public @Nullable ValueDeserializer<?> findBeanDeserializer(JavaType type, DeserializationConfig config,
				BeanDescription.Supplier beanDescRef) {
			Class<?> raw = type.getRawClass();
			if (raw != Page.class && raw != PageImpl.class && raw != Slice.class && raw != SliceImpl.class) {
				return null;
			}
			JavaType[] parameters = type.findTypeParameters(Slice.class);
			JavaType content = (parameters.length == 1) ? parameters[0] : config.constructType(Object.class);
			return new ChunkDeserializer(type, config.getTypeFactory().constructCollectionType(List.class, content));
		}

		@Override
		public boolean hasDeserializerFor(DeserializationConfig config, Class<?> valueType) {
			return valueType == Page.class || valueType == PageImpl.class || valueType == Slice.class
					|| valueType == SliceImpl.class;
		}

	}

	@SuppressWarnings("rawtypes")
	private static final class ChunkSerializer extends StdSerializer<Slice> {

		ChunkSerializer() {
			super(Slice.class);
		}

		@Override
		public void serialize(Slice value, JsonGenerator generator, SerializationContext context) {
			generator.writeStartObject(value);
			generator.writeName("content");
			context.writeValue(generator, value.getContent());
			generator.writeName("page");
			generator.writeStartObject();
			generator.writeNumberProperty("size", value.getSize());
			generator.writeNumberProperty("number", value.getNumber());
			if (value instanceof Page<?> page) {
				generator.writeNumberProperty("totalElements", page.getTotalElements());
				generator.writeNumberProperty("totalPages", page.getTotalPages());
			}
			else {
				generator.writeBooleanProperty("hasNext", value.hasNext());
			}
			if (value.getSort().isSorted()) {
				generator.writeName("sort");
				writeSort(value.getSort(), generator);
			}
			if (value.getPageable().isUnpaged()) {
				generator.writeBooleanProperty("unpaged", true);
			}
			generator.writeEndObject();
			generator.writeEndObject();
		}

		private static void writeSort(Sort sort, JsonGenerator generator) {
			generator.writeStartArray();
			for (Sort.Order order : sort) {
				generator.writeStartObject();
				generator.writeStringProperty("property", order.getProperty());
				generator.writeStringProperty("direction", order.getDirection().name());
				if (order.isIgnoreCase()) {
					generator.writeBooleanProperty("ignoreCase", true);
				}
				if (order.getNullHandling() != Sort.NullHandling.NATIVE) {
					generator.writeStringProperty("nullHandling", order.getNullHandling().name());
				}
				generator.writeEndObject();
			}
			generator.writeEndArray();
		}

	}

	/**
	 * Reads one page or slice. Property names match ignoring case (as every property of
	 * the cache's mapper does); unknown properties are skipped, so a later version may
	 * add some.
	 */
	static final class ChunkDeserializer extends StdDeserializer<Object> implements ContentTyped {

		private final JavaType listType;

		/** {@code Page}/{@code PageImpl} need the totals; {@code Slice} takes either. */
		private final boolean pageOnly;

		private final boolean sliceImplOnly;

		ChunkDeserializer(JavaType type, JavaType listType) {
			super(type);
			this.listType = listType;
			this.pageOnly = Page.class.isAssignableFrom(type.getRawClass());
			this.sliceImplOnly = type.getRawClass() == SliceImpl.class;
		}

		@Override
		public JavaType contentType() {
			return this.listType;
		}

		@Override
		public boolean produces(Class<?> valueClass) {
			if (this.pageOnly) {
				return valueClass == PageImpl.class;
			}
			return valueClass == SliceImpl.class || (valueClass == PageImpl.class && !this.sliceImplOnly);
		}

		@Override
		public Object deserialize(JsonParser parser, DeserializationContext context) {
			if (!parser.isExpectedStartObjectToken()) {
				return context.handleUnexpectedToken(getValueType(context), parser);
			}
			List<?> content = null;
			Meta meta = null;
			for (String name = parser.nextName(); name != null; name = parser.nextName()) {
				JsonToken token = parser.nextToken();
				if ("content".equalsIgnoreCase(name)) {
					content = (token == JsonToken.VALUE_NULL) ? Collections.emptyList() : readContent(parser, context);
				}
				else if ("page".equalsIgnoreCase(name) && token == JsonToken.START_OBJECT) {
					meta = readMeta(parser, context);
				}
				else {
					parser.skipChildren();
				}
			}
			if (content == null || meta == null) {
				throw shapeProblem(parser, "a JSON object with \"content\" and \"page\" (Spring Data's PagedModel)");
			}
			if (meta.size < 0 || meta.number < 0 || (meta.paged() && meta.size == 0)) {
				throw shapeProblem(parser, "a page size of at least 1 and a page number of at least 0");
			}
			Pageable pageable = meta.paged() ? PageRequest.of(meta.number, meta.size, meta.sort)
					: Pageable.unpaged(meta.sort);
			if (meta.totalElements != null) {
				Page<?> page = new PageImpl<>(content, pageable, meta.totalElements);
				return this.sliceImplOnly ? new SliceImpl<>(content, pageable, page.hasNext()) : page;
			}
			if (this.pageOnly) {
				throw shapeProblem(parser, "\"totalElements\" in \"page\" (a Slice cannot be read as a Page)");
			}
			return new SliceImpl<>(content, pageable, Boolean.TRUE.equals(meta.hasNext));
		}

		private List<?> readContent(JsonParser parser, DeserializationContext context) {
			try {
				return context.readValue(parser, this.listType);
			}
			catch (JacksonException ex) {
				throw ex.prependPath(handledType(), "content");
			}
		}

		private Meta readMeta(JsonParser parser, DeserializationContext context) {
			Meta meta = new Meta();
			for (String name = parser.nextName(); name != null; name = parser.nextName()) {
				JsonToken token = parser.nextToken();
				if ("size".equalsIgnoreCase(name)) {
					meta.size = parser.getValueAsInt(-1);
				}
				else if ("number".equalsIgnoreCase(name)) {
					meta.number = parser.getValueAsInt(-1);
				}
				else if ("totalElements".equalsIgnoreCase(name)) {
					meta.totalElements = parser.getValueAsLong(-1);
				}
				else if ("hasNext".equalsIgnoreCase(name)) {
					meta.hasNext = parser.getValueAsBoolean();
				}
				else if ("unpaged".equalsIgnoreCase(name)) {
					meta.unpaged = parser.getValueAsBoolean();
				}
				else if ("sort".equalsIgnoreCase(name) && token == JsonToken.START_ARRAY) {
					meta.sort = readSort(parser, context);
				}
				else {
					parser.skipChildren();
				}
			}
			if (meta.totalElements != null && meta.totalElements < 0) {
				throw shapeProblem(parser, "a \"totalElements\" of at least 0");
			}
			return meta;
		}

		private Sort readSort(JsonParser parser, DeserializationContext context) {
			List<Sort.Order> orders = new ArrayList<>();
			while (parser.nextToken() == JsonToken.START_OBJECT) {
				String property = null;
				Sort.Direction direction = Sort.DEFAULT_DIRECTION;
				boolean ignoreCase = false;
				Sort.NullHandling nullHandling = Sort.NullHandling.NATIVE;
				for (String name = parser.nextName(); name != null; name = parser.nextName()) {
					parser.nextToken();
					String text = parser.getValueAsString();
					try {
						if ("property".equalsIgnoreCase(name)) {
							property = text;
						}
						else if ("direction".equalsIgnoreCase(name) && text != null) {
							direction = Sort.Direction.fromString(text);
						}
						else if ("ignoreCase".equalsIgnoreCase(name)) {
							ignoreCase = parser.getValueAsBoolean();
						}
						else if ("nullHandling".equalsIgnoreCase(name) && text != null) {
							nullHandling = Sort.NullHandling.valueOf(text.toUpperCase(Locale.ROOT));
						}
						else {
							parser.skipChildren();
						}
					}
					catch (IllegalArgumentException ex) {
						throw shapeProblem(parser, "a sort direction ASC or DESC and a null handling NATIVE,"
								+ " NULLS_FIRST or NULLS_LAST in \"sort\"");
					}
				}
				if (property == null || property.isBlank()) {
					throw shapeProblem(parser, "a \"property\" in every order of \"sort\"");
				}
				orders.add(new Sort.Order(direction, property, ignoreCase, nullHandling));
			}
			if (!parser.hasToken(JsonToken.END_ARRAY)) {
				throw shapeProblem(parser, "an array of orders in \"sort\"");
			}
			return Sort.by(orders);
		}

		private CacheShapeException shapeProblem(JsonParser parser, String expected) {
			return new CacheShapeException(parser, "a " + handledType().getSimpleName() + " is read from " + expected,
					handledType());
		}

	}

	private static final class Meta {

		int size = -1;

		int number = -1;

		@Nullable Long totalElements;

		@Nullable Boolean hasNext;

		boolean unpaged;

		Sort sort = Sort.unsorted();

		boolean paged() {
			return !this.unpaged;
		}

	}

}
