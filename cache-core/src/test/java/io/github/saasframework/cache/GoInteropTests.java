package io.github.saasframework.cache;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.github.saasframework.cache.serializer.CacheSerializationException;
import io.github.saasframework.cache.serializer.GoDurationModule;
import io.github.saasframework.cache.serializer.JsonCacheSerializer;
import io.github.saasframework.cache.testsupport.RedisServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageImpl;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.redis.core.RedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Values shared with Go services, byte for byte as Go's {@code encoding/json} writes and
 * reads them (the bytes below are what {@code json.Marshal} produces for the Go types in
 * the comments): what interoperates with the default mapper, what does not, and
 * {@link GoDurationModule}, which makes {@code time.Duration} interoperate. The table of
 * docs/go-interop.md is backed by these tests.
 */
@ExtendWith(RedisServerExtension.class)
class GoInteropTests {

	private final RedisTemplate<String, byte[]> raw = CacheTestSupport.rawTemplate();

	private final String prefix = CacheTestSupport.uniquePrefix("go-interop");

	private final Cache plain = RedisCache.create(RedisServerExtension.connectionFactory(),
			CacheConfig.builder().keyPrefix(this.prefix).build());

	private final Cache goDurations = RedisCache.create(RedisServerExtension.connectionFactory(),
			CacheConfig.builder()
				.keyPrefix(this.prefix)
				.serializer(new JsonCacheSerializer(JsonMapper.builder().addModule(new GoDurationModule()).build()))
				.build());

	@AfterEach
	void cleanUp() {
		this.plain.flushPrefix();
	}

	/** {@code type Job struct { Timeout time.Duration `json:"timeout"` }}. */
	record Job(Duration timeout) {
	}

	/** Go: {@code json.Marshal(Job{Timeout: 1500 * time.Millisecond})}. */
	private static final String GO_JOB = "{\"timeout\":1500000000}";

	@Test
	void goDuration_withoutTheModule_isReadAsSecondsAndWrittenAsTextGoRefuses() {
		goWrites("job", GO_JOB);
		// 1,500,000,000 seconds: silently wrong
		assertThat(this.plain.get("job", Job.class)).contains(new Job(Duration.ofSeconds(1_500_000_000L)));
		this.plain.set("job", new Job(Duration.ofMillis(1500)));
		assertThat(stored("job")).isEqualTo("{\"timeout\":\"PT1.5S\"}");
	}

	@Test
	void goDuration_withTheModule_readsAndWritesGoBytes() {
		goWrites("job", GO_JOB);
		assertThat(this.goDurations.get("job", Job.class)).contains(new Job(Duration.ofMillis(1500)));
		this.goDurations.set("job", new Job(Duration.ofMillis(1500)));
		assertThat(stored("job")).isEqualTo(GO_JOB);
		// Go's zero, negative and largest values
		this.goDurations.set("job", new Job(Duration.ofNanos(-1)));
		assertThat(stored("job")).isEqualTo("{\"timeout\":-1}");
		goWrites("job", "{\"timeout\":9223372036854775807}");
		assertThat(this.goDurations.get("job", Job.class)).contains(new Job(Duration.ofNanos(Long.MAX_VALUE)));
		goWrites("job", "{\"timeout\":0}");
		assertThat(this.goDurations.get("job", Job.class)).contains(new Job(Duration.ZERO));
	}

	@Test
	void goDuration_withTheModule_stillReadsWhatJavaWroteBefore() {
		goWrites("job", "{\"timeout\":\"PT1.5S\"}");
		assertThat(this.goDurations.get("job", Job.class)).contains(new Job(Duration.ofMillis(1500)));
	}

	@Test
	void goDuration_beyondGoRange_isRefusedNamingTheKeyNotTheValue() {
		this.goDurations.set("job", new Job(Duration.ofSeconds(1)));
		assertThatExceptionOfType(CacheSerializationException.class)
			.isThrownBy(() -> this.goDurations.set("job", new Job(Duration.ofDays(365L * 300))))
			.withMessageContaining("'job'")
			.withMessageContaining("time.Duration");
		assertThat(stored("job")).isEqualTo("{\"timeout\":1000000000}");
	}

	/** {@code type Event struct { At time.Time `json:"at"` }} with a +07:00 time. */
	record Event(OffsetDateTime at) {
	}

	@Test
	void goTime_readsAsOffsetDateTime_butTheOffsetIsAdjustedToUtc() {
		goWrites("event", "{\"at\":\"2026-12-01T13:04:05.123456789+07:00\"}");
		OffsetDateTime at = this.plain.get("event", Event.class).orElseThrow().at();
		assertThat(at.toInstant()).isEqualTo(OffsetDateTime.parse("2026-12-01T13:04:05.123456789+07:00").toInstant());
		assertThat(at.getOffset()).isEqualTo(ZoneOffset.UTC);
	}

	/** {@code type User struct { UserID int; Name string }}: no json tags. */
	record User(int userId, String name) {
	}

	/** The same struct, read with the names Go writes. */
	record TaggedUser(@JsonProperty("UserID") int userId, @JsonProperty("Name") String name) {
	}

	/**
	 * Go's {@code encoding/json} matches field names ignoring case; so does the cache:
	 * {@code UserID} reads into {@code userId} (it read as 0, silently, before).
	 */
	@Test
	void untaggedGoStruct_readsIntoARecordIgnoringCase() {
		goWrites("user", "{\"UserID\":7,\"Name\":\"Ada\"}");
		assertThat(this.plain.get("user", User.class)).contains(new User(7, "Ada"));
		assertThat(this.plain.get("user", TaggedUser.class)).contains(new TaggedUser(7, "Ada"));
		assertThat(this.plain.getAll(List.of("user"), User.class)).containsEntry("user", new User(7, "Ada"));
	}

	/**
	 * {@code user_id} and {@code userId} differ by more than case (Go does not match them
	 * either): an object none of whose names match fails instead of reading as
	 * {@code User(0, null)}, naming the key and the type, never the stored bytes.
	 */
	@Test
	void goStructWithNoMatchingName_failsNamingKeyAndTypeNotTheBytes() {
		goWrites("user", "{\"user_id\":7,\"user_name\":\"secret-name\"}");
		assertThatExceptionOfType(CacheSerializationException.class)
			.isThrownBy(() -> this.plain.get("user", User.class))
			.withMessageContaining("'user'")
			.withMessageContaining(User.class.getTypeName())
			.withMessageContaining("matches a property of User (userId, name)")
			.withMessageNotContaining("secret-name")
			.withMessageNotContaining("user_id");
	}

	@Test
	void rawStringFromGo_readsAsObject_asTheText_andJsonAsMapsAndLists() {
		goWrites("greeting", "hello");
		assertThat(this.plain.get("greeting", Object.class)).contains("hello");
		this.plain.set("greeting", "hello again");
		assertThat(this.plain.get("greeting", Object.class)).contains("hello again");
		goWrites("user", "{\"UserID\":7,\"Tags\":[\"a\"]}");
		assertThat(this.plain.get("user", Object.class)).contains(Map.of("UserID", 7, "Tags", List.of("a")));
	}

	/**
	 * {@code type Book struct { Title string `json:"title"`; Year int `json:"year"` }}.
	 */
	record Book(String title, int year) {
	}

	private static final ParameterizedTypeReference<Page<Book>> PAGE_OF_BOOKS = new ParameterizedTypeReference<>() {
	};

	/**
	 * A page is stored as Spring Data's {@code PagedModel} JSON, which a Go struct reads,
	 * and a page a Go service writes in that shape reads back as a {@code Page<Book>}.
	 */
	@Test
	void page_isPlainJsonGoReads_andGosPageReadsBack() {
		Page<Book> page = new PageImpl<>(List.of(new Book("Emma", 1815)), PageRequest.of(2, 1), 3);
		this.plain.set("books", page);
		assertThat(stored("books")).isEqualTo("{\"content\":[{\"title\":\"Emma\",\"year\":1815}],"
				+ "\"page\":{\"size\":1,\"number\":2,\"totalElements\":3,\"totalPages\":3}}");
		assertThat(this.plain.get("books", PAGE_OF_BOOKS)).contains(page);
		goWrites("books", "{\"content\":[{\"title\":\"Odes\",\"year\":1819}],"
				+ "\"page\":{\"size\":20,\"number\":0,\"totalElements\":1,\"totalPages\":1}}");
		Page<Book> fromGo = this.plain.get("books", PAGE_OF_BOOKS).orElseThrow();
		assertThat(fromGo.getContent()).containsExactly(new Book("Odes", 1819));
		assertThat(fromGo.getPageable()).isEqualTo(PageRequest.of(0, 20));
		assertThat(this.plain.remember("books", Duration.ofMinutes(1), PAGE_OF_BOOKS, () -> {
			throw new AssertionError("a hit must not load");
		})).isEqualTo(fromGo);
	}

	@Test
	void jsonNull_readsAsEmptyOptional_althoughTheKeyExists() {
		goWrites("nothing", "null");
		assertThat(this.plain.get("nothing", TaggedUser.class)).isEqualTo(Optional.empty());
		assertThat(this.plain.exists("nothing")).isOne();
	}

	@Test
	void nullMarker_isNotJsonForGo() {
		Cache nulls = RedisCache.create(RedisServerExtension.connectionFactory(),
				CacheConfig.builder().keyPrefix(this.prefix).cacheNulls(true).build());
		nulls.remember("missing", Duration.ofMinutes(1), TaggedUser.class, () -> null);
		byte[] marker = this.raw.opsForValue().get(this.prefix + ":missing");
		assertThat(marker).isNotNull();
		// Go's json.Unmarshal into a struct fails on these bytes; its Remember hands them
		// back as a string
		assertThat(new String(marker, StandardCharsets.UTF_8)).startsWith("\0\1").doesNotStartWith("{");
	}

	private void goWrites(String key, String json) {
		this.raw.opsForValue().set(this.prefix + ":" + key, json.getBytes(StandardCharsets.UTF_8));
	}

	private String stored(String key) {
		return new String(this.raw.opsForValue().get(this.prefix + ":" + key), StandardCharsets.UTF_8);
	}

}
