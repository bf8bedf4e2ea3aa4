package io.github.saasframework.cache.serializer;

import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.annotation.JsonDeserialize;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageImpl;
import org.springframework.data.domain.PageRequest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The parsed form {@link JsonCacheSerializer} keeps for the near cache: a value read from
 * it is the value read from the bytes, a new object on every read, for every kind of JSON
 * the cache reads.
 */
class JsonReplayTests {

	private final JsonCacheSerializer serializer = new JsonCacheSerializer();

	record Numbers(BigDecimal exact, BigInteger huge, double tenth, float third, long min, int small,
			Map<String, Object> untyped) {
	}

	record Everything(String title, boolean flag, byte[] data, Instant at, Duration grace, Kind kind, List<Line> lines,
			String missing) {
	}

	enum Kind {

		A, B

	}

	record Line(String sku, int quantity) {
	}

	static final class Basket {

		public List<String> items = new ArrayList<>();

		public Map<String, Integer> counts;

	}

	/** Reads its inner value through the parser, as some application deserializers do. */
	@JsonDeserialize(using = Wrapped.Reader.class)
	record Wrapped(Line line) {

		static final class Reader extends ValueDeserializer<Wrapped> {

			@Override
			public Wrapped deserialize(JsonParser parser, DeserializationContext context) {
				parser.nextName();
				parser.nextToken();
				Line line = parser.readValueAs(Line.class);
				parser.nextToken();
				return new Wrapped(line);
			}

		}

	}

	@Test
	void readsWhatTheBytesRead() {
		assertSameAsBytes("{\"exact\":3.14159265358979323846264338327950288419,"
				+ "\"huge\":123456789012345678901234567890,\"tenth\":0.1,\"third\":0.33333334,"
				+ "\"min\":-9223372036854775808,\"small\":-7,\"untyped\":{\"f\":1.5e300,\"i\":12,\"l\":12345678901,"
				+ "\"b\":99999999999999999999999,\"n\":null,\"list\":[1,\"x\",true]}}", Numbers.class);
		assertSameAsBytes(
				"{\"title\":\"caf\\u00e9 \\\"quoted\\\" \\ud83d\\ude00\",\"flag\":true,\"data\":\"AAEC/w==\","
						+ "\"at\":\"2026-12-05T08:00:00.123456789Z\",\"grace\":1500000000,\"kind\":\"B\","
						+ "\"lines\":[{\"sku\":\"a\",\"quantity\":2},{\"SKU\":\"b\",\"Quantity\":3}]}",
				Everything.class);
		assertSameAsBytes("[{\"sku\":\"a\",\"quantity\":1},null]", new ParameterizedTypeReference<List<Line>>() {
		}.getType());
		assertSameAsBytes("{\"line\":{\"sku\":\"w\",\"quantity\":5}}", Wrapped.class);
		assertSameAsBytes("[1,-2,3]", int[].class);
	}

	@Test
	void readsSpringDataPagesAsTheBytesDo() {
		Page<Line> page = new PageImpl<>(List.of(new Line("a", 1), new Line("b", 2)), PageRequest.of(1, 2), 7);
		byte[] bytes = this.serializer.serialize(page);
		Type type = new ParameterizedTypeReference<Page<Line>>() {
		}.getType();
		assertThat(replay(bytes, type)).isInstanceOf(PageImpl.class).isEqualTo(page);
	}

	@Test
	void followsTheMappersNumberSettings() {
		JsonCacheSerializer decimals = new JsonCacheSerializer(
				JsonMapper.builder().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build());
		byte[] bytes = "{\"price\":0.10000000000000000000001}".getBytes(StandardCharsets.UTF_8);
		Type type = new ParameterizedTypeReference<Map<String, Object>>() {
		}.getType();
		Object replayed = decimals.deserializeReplay(decimals.replayable(bytes, type), type);
		assertThat(replayed).isEqualTo(decimals.deserialize(bytes, type))
			.isEqualTo(Map.of("price", new BigDecimal("0.10000000000000000000001")));
	}

	@Test
	void everyReadIsANewObject() {
		byte[] bytes = "{\"items\":[\"apple\"],\"counts\":{\"apple\":1}}".getBytes(StandardCharsets.UTF_8);
		Object replay = this.serializer.replayable(bytes, Basket.class);
		Basket first = (Basket) this.serializer.deserializeReplay(replay, Basket.class);
		first.items.add("pear");
		first.counts.put("pear", 2);
		Basket second = (Basket) this.serializer.deserializeReplay(replay, Basket.class);
		assertThat(second).isNotSameAs(first);
		assertThat(second.items).containsExactly("apple").isNotSameAs(first.items);
		assertThat(second.counts).containsExactlyEntriesOf(Map.of("apple", 1));
	}

	@Test
	void rawUntypedAndLargeValuesAreReadFromTheirBytes() {
		byte[] json = "{\"sku\":\"a\",\"quantity\":1}".getBytes(StandardCharsets.UTF_8);
		for (Type raw : List.of(String.class, CharSequence.class, byte[].class, Object.class)) {
			assertThat(this.serializer.replays(raw)).as(raw.getTypeName()).isFalse();
			assertThat(this.serializer.replayable(json, raw)).as(raw.getTypeName()).isNull();
		}
		assertThat(this.serializer.replays(Line.class)).isTrue();
		byte[] large = ("{\"sku\":\"" + "x".repeat(16 * 1024) + "\",\"quantity\":1}").getBytes(StandardCharsets.UTF_8);
		assertThat(this.serializer.replayable(large, Line.class)).isNull();
		assertThat(this.serializer.replayable("{} {}".getBytes(StandardCharsets.UTF_8), Line.class)).isNull();
	}

	private void assertSameAsBytes(String json, Type type) {
		byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
		Object fromBytes = this.serializer.deserialize(bytes.clone(), type);
		Object replayed = replay(bytes, type);
		assertThat(replayed).usingRecursiveComparison().withStrictTypeChecking().isEqualTo(fromBytes);
		if (fromBytes != null) {
			assertThat(replayed).isNotSameAs(fromBytes);
		}
	}

	private Object replay(byte[] bytes, Type type) {
		Object replay = this.serializer.replayable(bytes, type);
		assertThat(replay).as("parsed form of %s", type.getTypeName()).isNotNull();
		return this.serializer.deserializeReplay(replay, type);
	}

}
