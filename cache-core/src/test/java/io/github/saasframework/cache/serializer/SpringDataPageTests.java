package io.github.saasframework.cache.serializer;

import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageImpl;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Pageable;
import org.springframework.data.domain.Slice;
import org.springframework.data.domain.SliceImpl;
import org.springframework.data.domain.Sort;
import org.springframework.data.web.PagedModel;
import org.springframework.data.web.config.EnableSpringDataWebSupport.PageSerializationMode;
import org.springframework.data.web.config.SpringDataJackson3Configuration.PageModule;
import org.springframework.data.web.config.SpringDataWebSettings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The return types real applications cache, written and read back by the default
 * serializer and by one on an application's mapper (which may carry Spring Data's own
 * page module, as {@code @EnableSpringDataWebSupport} registers it): Spring Data's pages
 * and slices in the shape of its {@code PagedModel}, {@code Optional}, collections and
 * maps of records, enums, {@code java.time}, {@code BigDecimal}.
 */
class SpringDataPageTests {

	record Book(String title, int year, Genre genre) {
	}

	enum Genre {

		NOVEL, POETRY

	}

	record Invoice(String id, BigDecimal total, Instant issuedAt, LocalDate due, Duration grace) {
	}

	private static final Type PAGE_OF_BOOKS = new ParameterizedTypeReference<Page<Book>>() {
	}.getType();

	private static final Type SLICE_OF_BOOKS = new ParameterizedTypeReference<Slice<Book>>() {
	}.getType();

	private static final List<Book> BOOKS = List.of(new Book("Emma", 1815, Genre.NOVEL),
			new Book("Odes", 1819, Genre.POETRY));

	static Stream<JsonCacheSerializer> serializers() {
		return Stream.of(new JsonCacheSerializer(), new JsonCacheSerializer(JsonMapper.builder().build()),
				new JsonCacheSerializer(JsonMapper.builder()
					.addModule(new PageModule(new SpringDataWebSettings(PageSerializationMode.VIA_DTO)))
					.build()),
				new JsonCacheSerializer(JsonMapper.builder()
					.addModule(new PageModule(new SpringDataWebSettings(PageSerializationMode.DIRECT)))
					.build()));
	}

	private static String json(CacheSerializer serializer, Object value) {
		return new String(serializer.serialize(value), StandardCharsets.UTF_8);
	}

	private static Object roundTrip(CacheSerializer serializer, Object value, Type type) {
		return serializer.deserialize(serializer.serialize(value), type);
	}

	@ParameterizedTest
	@MethodSource("serializers")
	void page_roundTrip_keepsContentTypedAndPaging(JsonCacheSerializer serializer) {
		Page<Book> page = new PageImpl<>(BOOKS, PageRequest.of(1, 2), 42);
		Object back = roundTrip(serializer, page, PAGE_OF_BOOKS);
		assertThat(back).isInstanceOf(PageImpl.class).isEqualTo(page);
		Page<?> read = (Page<?>) back;
		assertThat(read.getContent()).isEqualTo(BOOKS);
		assertThat(read.getContent().get(0)).isInstanceOf(Book.class);
		assertThat(read.getTotalElements()).isEqualTo(42);
		assertThat(read.getTotalPages()).isEqualTo(21);
		assertThat(read.getNumber()).isOne();
		assertThat(read.getSize()).isEqualTo(2);
	}

	@ParameterizedTest
	@MethodSource("serializers")
	void page_isWrittenInSpringDatasPagedModelShape(JsonCacheSerializer serializer) {
		Page<Book> page = new PageImpl<>(BOOKS, PageRequest.of(1, 2), 42);
		String pagedModel = JsonMapper.builder().build().writeValueAsString(new PagedModel<>(page));
		assertThat(json(serializer, page)).isEqualTo(pagedModel)
			.isEqualTo("{\"content\":[{\"title\":\"Emma\",\"year\":1815,\"genre\":\"NOVEL\"},"
					+ "{\"title\":\"Odes\",\"year\":1819,\"genre\":\"POETRY\"}],"
					+ "\"page\":{\"size\":2,\"number\":1,\"totalElements\":42,\"totalPages\":21}}");
	}

	@ParameterizedTest
	@MethodSource("serializers")
	void sortedPage_addsTheSortAndReadsItBack(JsonCacheSerializer serializer) {
		Sort sort = Sort.by(Sort.Order.desc("year"), Sort.Order.asc("title").ignoreCase().nullsLast());
		Page<Book> page = new PageImpl<>(BOOKS, PageRequest.of(0, 20, sort), 2);
		assertThat(json(serializer, page)).endsWith("\"page\":{\"size\":20,\"number\":0,\"totalElements\":2,"
				+ "\"totalPages\":1,\"sort\":[{\"property\":\"year\",\"direction\":\"DESC\"},"
				+ "{\"property\":\"title\",\"direction\":\"ASC\",\"ignoreCase\":true,\"nullHandling\":\"NULLS_LAST\"}]}}");
		Page<?> back = (Page<?>) roundTrip(serializer, page, PAGE_OF_BOOKS);
		assertThat(back).isEqualTo(page);
		assertThat(back.getSort()).isEqualTo(sort);
	}

	@ParameterizedTest
	@MethodSource("serializers")
	void unpagedAndEmptyPages_roundTrip(JsonCacheSerializer serializer) {
		Page<Book> unpaged = new PageImpl<>(BOOKS);
		assertThat(roundTrip(serializer, unpaged, PAGE_OF_BOOKS)).isEqualTo(unpaged)
			.satisfies((back) -> assertThat(((Page<?>) back).getPageable().isUnpaged()).isTrue());
		assertThat(roundTrip(serializer, Page.empty(), PAGE_OF_BOOKS)).isEqualTo(Page.empty());
		Page<Book> emptyLastPage = new PageImpl<>(List.of(), PageRequest.of(3, 10), 30);
		assertThat(roundTrip(serializer, emptyLastPage, PAGE_OF_BOOKS)).isEqualTo(emptyLastPage);
	}

	@ParameterizedTest
	@MethodSource("serializers")
	void slice_roundTrip_keepsHasNext(JsonCacheSerializer serializer) {
		Slice<Book> slice = new SliceImpl<>(BOOKS, PageRequest.of(0, 2, Sort.by("title")), true);
		assertThat(json(serializer, slice)).endsWith("\"page\":{\"size\":2,\"number\":0,\"hasNext\":true,"
				+ "\"sort\":[{\"property\":\"title\",\"direction\":\"ASC\"}]}}");
		Object back = roundTrip(serializer, slice, SLICE_OF_BOOKS);
		assertThat(back).isInstanceOf(SliceImpl.class).isEqualTo(slice);
		assertThat(((Slice<?>) back).getContent().get(1)).isInstanceOf(Book.class);
		assertThat(roundTrip(serializer, slice, new ParameterizedTypeReference<SliceImpl<Book>>() {
		}.getType())).isEqualTo(slice);
	}

	@Test
	void pageDeclaredAsSlice_readsBackAsThePage() {
		JsonCacheSerializer serializer = new JsonCacheSerializer();
		Page<Book> page = new PageImpl<>(BOOKS, PageRequest.of(0, 2), 5);
		assertThat(roundTrip(serializer, page, SLICE_OF_BOOKS)).isInstanceOf(PageImpl.class).isEqualTo(page);
		assertThat(roundTrip(serializer, page, new ParameterizedTypeReference<SliceImpl<Book>>() {
		}.getType())).isEqualTo(new SliceImpl<>(BOOKS, PageRequest.of(0, 2), true));
	}

	@Test
	void sliceBytes_readAsPage_failNamingTheTypeNotTheContent() {
		JsonCacheSerializer serializer = new JsonCacheSerializer();
		byte[] slice = serializer.serialize(new SliceImpl<>(List.of(new Book("secret-title", 1, Genre.NOVEL))));
		assertThatExceptionOfType(CacheSerializationException.class)
			.isThrownBy(() -> serializer.deserialize(slice, PAGE_OF_BOOKS))
			.withMessageContaining("Page")
			.withMessageContaining("totalElements")
			.withMessageNotContaining("secret-title");
	}

	@Test
	void pageWithBadContent_failsWithThePathNotTheValue() {
		byte[] bytes = "{\"content\":[{\"title\":\"x\",\"year\":\"secret-year\"}],\"page\":{\"size\":1,\"number\":0,\"totalElements\":1}}"
			.getBytes(StandardCharsets.UTF_8);
		assertThatExceptionOfType(CacheSerializationException.class)
			.isThrownBy(() -> new JsonCacheSerializer().deserialize(bytes, PAGE_OF_BOOKS))
			.withMessageContaining("content[0].year")
			.withMessageNotContaining("secret-year");
		byte[] noPage = "{\"content\":[]}".getBytes(StandardCharsets.UTF_8);
		assertThatExceptionOfType(CacheSerializationException.class)
			.isThrownBy(() -> new JsonCacheSerializer().deserialize(noPage, PAGE_OF_BOOKS))
			.withMessageContaining("\"content\" and \"page\"");
	}

	/**
	 * A Go service writes a page with its own struct ({@code Content []Book
	 * `json:"content"`}, a nil slice as {@code null}, field names in any case): it reads.
	 */
	@Test
	void pageWrittenByGo_reads() {
		byte[] go = ("{\"Content\":null,\"Page\":{\"Size\":10,\"Number\":2,\"TotalElements\":20,\"TotalPages\":2},"
				+ "\"Extra\":1}")
			.getBytes(StandardCharsets.UTF_8);
		assertThat(new JsonCacheSerializer().deserialize(go, PAGE_OF_BOOKS))
			.isEqualTo(new PageImpl<>(List.of(), PageRequest.of(2, 10), 20));
		byte[] raw = "{\"content\":[{\"a\":1}],\"page\":{\"size\":1,\"number\":0,\"totalElements\":1}}"
			.getBytes(StandardCharsets.UTF_8);
		Page<?> untyped = (Page<?>) new JsonCacheSerializer().deserialize(raw, Page.class);
		assertThat(untyped.getContent()).isEqualTo(List.of(Map.of("a", 1)));
	}

	@ParameterizedTest
	@MethodSource("serializers")
	void everydayTypes_roundTrip(JsonCacheSerializer serializer) {
		Invoice invoice = new Invoice("i-1", new BigDecimal("1999.90"), Instant.parse("2026-01-02T03:04:05.123Z"),
				LocalDate.of(2026, 2, 1), Duration.ofDays(3));
		assertThat(roundTrip(serializer, invoice, Invoice.class)).isEqualTo(invoice);
		assertThat(json(serializer, invoice)).isEqualTo("{\"id\":\"i-1\",\"total\":1999.90,"
				+ "\"issuedAt\":\"2026-01-02T03:04:05.123Z\",\"due\":\"2026-02-01\",\"grace\":\"PT72H\"}");
		assertThat(roundTrip(serializer, Optional.of(invoice), new ParameterizedTypeReference<Optional<Invoice>>() {
		}.getType())).isEqualTo(Optional.of(invoice));
		assertThat(roundTrip(serializer, BOOKS, new ParameterizedTypeReference<List<Book>>() {
		}.getType())).isEqualTo(BOOKS);
		Map<Genre, List<Book>> byGenre = Map.of(Genre.NOVEL, List.of(BOOKS.get(0)), Genre.POETRY,
				List.of(BOOKS.get(1)));
		assertThat(roundTrip(serializer, byGenre, new ParameterizedTypeReference<Map<Genre, List<Book>>>() {
		}.getType())).isEqualTo(byGenre);
		assertThat(roundTrip(serializer, Genre.POETRY, Genre.class)).isEqualTo(Genre.POETRY);
		assertThat(roundTrip(serializer, new BigDecimal("0.10"), BigDecimal.class)).isEqualTo(new BigDecimal("0.10"));
		assertThat(roundTrip(serializer, Instant.EPOCH, Instant.class)).isEqualTo(Instant.EPOCH);
		assertThat(roundTrip(serializer, LocalDate.EPOCH, LocalDate.class)).isEqualTo(LocalDate.EPOCH);
		assertThat(roundTrip(serializer, Duration.ofMillis(1500), Duration.class)).isEqualTo(Duration.ofMillis(1500));
		Page<Invoice> invoices = new PageImpl<>(List.of(invoice), Pageable.ofSize(1), 1);
		assertThat(roundTrip(serializer, invoices, new ParameterizedTypeReference<Page<Invoice>>() {
		}.getType())).isEqualTo(invoices);
	}

}
