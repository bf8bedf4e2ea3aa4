package io.github.saasframework.cache.serializer;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.ParameterizedTypeReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The JSON serializer's wire format: raw strings and bytes, plain JSON without type
 * metadata, generic types, and clear failures that never quote the value.
 */
class JsonCacheSerializerTests {

	private final JsonCacheSerializer serializer = new JsonCacheSerializer();

	record Order(String id, long cents, Instant placedAt) {
	}

	private String json(Object value) {
		return new String(this.serializer.serialize(value), StandardCharsets.UTF_8);
	}

	@Test
	void serialize_string_isRawUtf8WithoutQuotes() {
		assertThat(json("héllo \"world\"")).isEqualTo("héllo \"world\"");
		assertThat(this.serializer.deserialize("héllo".getBytes(StandardCharsets.UTF_8), String.class))
			.isEqualTo("héllo");
	}

	@Test
	void serialize_bytes_areStoredAsTheyAre() {
		byte[] bytes = { 1, 2, 3 };
		assertThat(this.serializer.serialize(bytes)).isSameAs(bytes);
		assertThat(this.serializer.deserialize(bytes, byte[].class)).isEqualTo(bytes);
	}

	@Test
	void serialize_record_isPlainJsonWithoutTypeMetadata() {
		Order order = new Order("o-1", 1999, Instant.parse("2026-01-02T03:04:05Z"));
		String text = json(order);
		assertThat(text).isEqualTo("{\"id\":\"o-1\",\"cents\":1999,\"placedAt\":\"2026-01-02T03:04:05Z\"}");
		assertThat(this.serializer.deserialize(text.getBytes(StandardCharsets.UTF_8), Order.class)).isEqualTo(order);
	}

	@Test
	void deserialize_genericType_returnsTypedElements() {
		List<Order> orders = List.of(new Order("a", 1, Instant.EPOCH), new Order("b", 2, Instant.EPOCH));
		Object back = this.serializer.deserialize(this.serializer.serialize(orders),
				new ParameterizedTypeReference<List<Order>>() {
				}.getType());
		assertThat(back).isEqualTo(orders);
		Object map = this.serializer
			.deserialize("{\"x\":{\"id\":\"x\",\"cents\":5,\"placedAt\":\"1970-01-01T00:00:00Z\"}}"
				.getBytes(StandardCharsets.UTF_8), new ParameterizedTypeReference<Map<String, Order>>() {
				}.getType());
		assertThat(map).isEqualTo(Map.of("x", new Order("x", 5, Instant.EPOCH)));
	}

	@Test
	void deserialize_numbersKeepRequestedType() {
		assertThat(this.serializer.deserialize("42".getBytes(StandardCharsets.UTF_8), Long.class)).isEqualTo(42L);
		assertThat(this.serializer.deserialize("42".getBytes(StandardCharsets.UTF_8), Integer.class)).isEqualTo(42);
	}

	@Test
	void deserialize_invalidBytes_throwsWithoutQuotingThem() {
		byte[] corrupt = "{\"id\":\"top-secret\",".getBytes(StandardCharsets.UTF_8);
		assertThatExceptionOfType(CacheSerializationException.class)
			.isThrownBy(() -> this.serializer.deserialize(corrupt, Order.class))
			.withMessageContaining(Order.class.getTypeName())
			.withMessageNotContaining("top-secret");
	}

	@Test
	void deserialize_trailingGarbage_isRejected() {
		byte[] bytes = "{\"id\":\"a\",\"cents\":1,\"placedAt\":\"1970-01-01T00:00:00Z\"}xyz"
			.getBytes(StandardCharsets.UTF_8);
		assertThatExceptionOfType(CacheSerializationException.class)
			.isThrownBy(() -> this.serializer.deserialize(bytes, Order.class));
	}

	@Test
	void deserialize_typeMismatch_isRejected() {
		assertThatExceptionOfType(CacheSerializationException.class)
			.isThrownBy(() -> this.serializer.deserialize("\"text\"".getBytes(StandardCharsets.UTF_8), Order.class));
	}

	@Test
	void serialize_unwritableValue_throwsNamingItsClass() {
		Object bad = new Object() {
			public String getValue() {
				throw new IllegalStateException("no");
			}
		};
		assertThatExceptionOfType(CacheSerializationException.class).isThrownBy(() -> this.serializer.serialize(bad))
			.withMessageContaining("JSON");
	}

	@Test
	void serialize_doesNotEmbedClassNames_evenWithCustomMapper() {
		JsonCacheSerializer custom = new JsonCacheSerializer(JsonMapper.builder().build());
		assertThat(new String(custom.serialize(new Order("a", 1, Instant.EPOCH)), StandardCharsets.UTF_8))
			.doesNotContain("@class")
			.doesNotContain(Order.class.getName());
		assertThatIllegalArgumentException().isThrownBy(() -> new JsonCacheSerializer(null));
	}

	record Member(long id, String name, int age, boolean active, double score) {
	}

	enum Level {

		LOW, HIGH

	}

	record Secretive(int pin, Level level, Instant at) {
	}

	static final class PrivateFields {

		private final String secret = "s";

		@Override
		public String toString() {
			return this.secret;
		}

	}

	record Empty() {
	}

	/** The exact bytes Go's encoding/json writes for a struct with omitempty fields. */
	private static final byte[] GO_OMITEMPTY = "{\"id\":42,\"name\":\"Ada\",\"score\":99.5}"
		.getBytes(StandardCharsets.UTF_8);

	@Test
	void deserialize_goOmitemptyObject_readsMissingPrimitivesAsZeroValues() {
		assertThat(this.serializer.deserialize(GO_OMITEMPTY, Member.class))
			.isEqualTo(new Member(42, "Ada", 0, false, 99.5));
	}

	@Test
	void deserialize_goOmitemptyObject_readsAsZeroValuesOnAnApplicationMapperToo() {
		JsonMapper application = JsonMapper.builder().build();
		JsonCacheSerializer onApplicationMapper = new JsonCacheSerializer(application);
		assertThat(onApplicationMapper.deserialize(GO_OMITEMPTY, Member.class))
			.isEqualTo(new Member(42, "Ada", 0, false, 99.5));
		// the application's own mapper keeps its settings for its other uses
		assertThatExceptionOfType(tools.jackson.core.JacksonException.class)
			.isThrownBy(() -> application.readValue(GO_OMITEMPTY, Member.class));
	}

	@Test
	void serialize_objectWithoutProperties_isRefusedInsteadOfStoredAsEmptyObject() {
		assertThatExceptionOfType(CacheSerializationException.class)
			.isThrownBy(() -> this.serializer.serialize(new Object()))
			.withMessageContaining("no properties to write");
		assertThatExceptionOfType(CacheSerializationException.class)
			.isThrownBy(() -> this.serializer.serialize(new PrivateFields()))
			.withMessageContaining(PrivateFields.class.getName())
			.withMessageNotContaining("\"s\"");
		assertThatExceptionOfType(CacheSerializationException.class)
			.isThrownBy(() -> new JsonCacheSerializer(JsonMapper.builder().build()).serialize(new PrivateFields()));
	}

	@Test
	void serialize_emptyRecordAndEmptyMap_areStillWritten() {
		assertThat(json(new Empty())).isEqualTo("{}");
		assertThat(json(Map.of())).isEqualTo("{}");
	}

	@Test
	void deserialize_failures_neverQuoteTheStoredValue() {
		String[] stored = { "{\"pin\":\"hunter2\",\"level\":\"LOW\",\"at\":\"1970-01-01T00:00:00Z\"}",
				"{\"pin\":1,\"level\":\"hunter2\",\"at\":\"1970-01-01T00:00:00Z\"}",
				"{\"pin\":1,\"level\":\"LOW\",\"at\":\"hunter2\"}", "hunter2", "[\"hunter2\"]", "{\"pin\": hunter2}" };
		for (String value : stored) {
			assertThatExceptionOfType(CacheSerializationException.class).as(value)
				.isThrownBy(() -> this.serializer.deserialize(value.getBytes(StandardCharsets.UTF_8), Secretive.class))
				.satisfies((ex) -> {
					assertThat(ex.getMessage()).doesNotContain("hunter2").contains(Secretive.class.getTypeName());
					for (Throwable cause = ex.getCause(); cause != null; cause = cause.getCause()) {
						assertThat(String.valueOf(cause.getMessage())).doesNotContain("hunter2");
					}
				});
		}
	}

	@Test
	void deserialize_failures_sayWhereAndWhatKind() {
		assertThatExceptionOfType(CacheSerializationException.class)
			.isThrownBy(() -> this.serializer
				.deserialize("{\"pin\":\"x\",\"level\":\"LOW\",\"at\":\"1970-01-01T00:00:00Z\"}"
					.getBytes(StandardCharsets.UTF_8), Secretive.class))
			.withMessageContaining("not a valid int at pin");
		assertThatExceptionOfType(CacheSerializationException.class)
			.isThrownBy(
					() -> this.serializer.deserialize("{\"pin\": x}".getBytes(StandardCharsets.UTF_8), Secretive.class))
			.withMessageContaining("malformed JSON at line 1");
	}

	@Test
	void deserialize_asObject_givesJsonsNaturalTypes() {
		assertThat(this.serializer.deserialize("{\"a\":[1,2.5,true,null,\"x\"]}".getBytes(StandardCharsets.UTF_8),
				Object.class))
			.isEqualTo(Map.of("a", java.util.Arrays.asList(1, 2.5, true, null, "x")));
		assertThat(this.serializer.deserialize(" 42 ".getBytes(StandardCharsets.UTF_8), Object.class)).isEqualTo(42);
		assertThat(this.serializer.deserialize("12345678901".getBytes(StandardCharsets.UTF_8), Object.class))
			.isEqualTo(12345678901L);
		assertThat(this.serializer.deserialize("\"quoted\"".getBytes(StandardCharsets.UTF_8), Object.class))
			.isEqualTo("quoted");
		assertThat(this.serializer.deserialize("null".getBytes(StandardCharsets.UTF_8), Object.class)).isNull();
	}

	@Test
	void deserialize_asObject_textThatIsNotOneJsonValue_isTheRawString() {
		for (String text : new String[] { "hello", "héllo world", "42 apples", "{\"a\":1} {\"b\":2}", "[1,", "", "1 2",
				"{\"pin\": hunter2}" }) {
			assertThat(this.serializer.deserialize(this.serializer.serialize(text), Object.class)).as(text)
				.isEqualTo(text);
		}
	}

	@Test
	void deserialize_asObject_bytesThatAreNeitherJsonNorUtf8_areTheBytes() {
		byte[] binary = { (byte) 0xff, (byte) 0xfe, 0, 1 };
		assertThat(this.serializer.deserialize(binary, Object.class)).isEqualTo(binary);
	}

	/** The documented ambiguity: a raw string whose text is JSON reads as that JSON. */
	@Test
	void deserialize_asObject_rawStringThatIsJson_readsAsJson() {
		assertThat(this.serializer.deserialize(this.serializer.serialize("42"), Object.class)).isEqualTo(42);
		assertThat(this.serializer.deserialize(this.serializer.serialize("true"), Object.class)).isEqualTo(true);
		assertThat(this.serializer.deserialize(this.serializer.serialize("42"), String.class)).isEqualTo("42");
	}

	/** {@code type Plain struct { UserID int64; Name string }}: no json tags. */
	record Plain(long userId, String name) {
	}

	@Test
	void deserialize_untaggedGoStruct_matchesNamesIgnoringCase() {
		byte[] go = "{\"UserID\":7,\"Name\":\"x\"}".getBytes(StandardCharsets.UTF_8);
		assertThat(this.serializer.deserialize(go, Plain.class)).isEqualTo(new Plain(7, "x"));
		assertThat(new JsonCacheSerializer(JsonMapper.builder().build()).deserialize(go, Plain.class))
			.isEqualTo(new Plain(7, "x"));
	}

	record Account(Plain owner, List<Plain> members) {
	}

	@Test
	void deserialize_objectWithNoMatchingProperty_failsNamingTheTypeNeverTheBytes() {
		byte[] snakeCase = "{\"user_id\":7,\"user_name\":\"secret-name\"}".getBytes(StandardCharsets.UTF_8);
		assertThatExceptionOfType(CacheSerializationException.class)
			.isThrownBy(() -> this.serializer.deserialize(snakeCase, Plain.class))
			.withMessageContaining(Plain.class.getTypeName())
			.withMessageContaining("no property of the JSON object (2 of them) matches a property of Plain")
			.withMessageContaining("userId, name")
			.withMessageNotContaining("user_id")
			.withMessageNotContaining("secret-name");
		byte[] nested = "{\"owner\":{\"UserID\":1},\"members\":[{\"userId\":2},{\"secret\":3}]}"
			.getBytes(StandardCharsets.UTF_8);
		assertThatExceptionOfType(CacheSerializationException.class)
			.isThrownBy(() -> this.serializer.deserialize(nested, Account.class))
			.withMessageContaining("at members[1]")
			.withMessageNotContaining("secret");
	}

	@Test
	void deserialize_objectWithSomeOrNoProperties_stillReads() {
		// Go's omitempty leaves out zero fields; an unknown property beside a known one
		// is
		// a newer writer's addition
		assertThat(this.serializer.deserialize("{}".getBytes(StandardCharsets.UTF_8), Plain.class))
			.isEqualTo(new Plain(0, null));
		assertThat(this.serializer.deserialize("{\"name\":\"x\",\"added\":1}".getBytes(StandardCharsets.UTF_8),
				Plain.class))
			.isEqualTo(new Plain(0, "x"));
		assertThat(this.serializer.deserialize("{\"anything\":1}".getBytes(StandardCharsets.UTF_8), Empty.class))
			.isEqualTo(new Empty());
		assertThat(this.serializer.deserialize("{\"anything\":1}".getBytes(StandardCharsets.UTF_8),
				new ParameterizedTypeReference<Map<String, Object>>() {
				}.getType()))
			.isEqualTo(Map.of("anything", 1));
	}

	@JsonIgnoreProperties(ignoreUnknown = true)
	record Lenient(int a) {
	}

	static final class Collecting {

		public int a;

		final Map<String, Object> rest = new java.util.HashMap<>();

		@JsonAnySetter
		void put(String name, Object value) {
			this.rest.put(name, value);
		}

	}

	@Test
	void deserialize_typesThatAskForUnknownProperties_stillReadThem() {
		byte[] unknown = "{\"zzz\":2}".getBytes(StandardCharsets.UTF_8);
		assertThat(this.serializer.deserialize(unknown, Lenient.class)).isEqualTo(new Lenient(0));
		assertThat(((Collecting) this.serializer.deserialize(unknown, Collecting.class)).rest)
			.isEqualTo(Map.of("zzz", 2));
	}

}
