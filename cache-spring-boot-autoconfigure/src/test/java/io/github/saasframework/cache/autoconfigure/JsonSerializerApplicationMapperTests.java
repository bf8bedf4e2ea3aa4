package io.github.saasframework.cache.autoconfigure;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.github.saasframework.cache.Cache;
import io.github.saasframework.cache.serializer.CacheSerializationException;
import io.github.saasframework.cache.serializer.CacheSerializer;
import io.github.saasframework.cache.testsupport.RedisServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageImpl;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;
import org.springframework.data.web.config.EnableSpringDataWebSupport.PageSerializationMode;
import org.springframework.data.web.config.SpringDataJackson3Configuration.PageModule;
import org.springframework.data.web.config.SpringDataWebSettings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The JSON serializer the starter builds on the application's {@code JsonMapper}: Spring
 * Data pages read back through Redis although the application's mapper carries Spring
 * Data's own page module (as {@code @EnableSpringDataWebSupport} registers it) and its
 * own naming strategy, names match ignoring case, and the application's mapper is left as
 * it was.
 */
@ExtendWith(RedisServerExtension.class)
class JsonSerializerApplicationMapperTests {

	private static final String PREFIX = "app-mapper-tests";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
				RedisCacheAutoConfiguration.class))
		.withBean(DataRedisConnectionDetails.class, TestRedis::connectionDetails)
		.withBean(PageModule.class, () -> new PageModule(new SpringDataWebSettings(PageSerializationMode.VIA_DTO)))
		.withPropertyValues("app.cache.key-prefix=" + PREFIX, "spring.jackson.property-naming-strategy=SNAKE_CASE");

	record Book(String bookTitle, BigDecimal price, Instant addedAt) {
	}

	@AfterEach
	void cleanUp() {
		TestRedis.flush(PREFIX);
	}

	@Test
	void pageOfRecordsRoundTripsThroughRedis() {
		this.contextRunner.run((context) -> {
			Cache cache = context.getBean(Cache.class);
			Page<Book> page = new PageImpl<>(List.of(new Book("Emma", new BigDecimal("9.90"), Instant.EPOCH)),
					PageRequest.of(0, 10, Sort.by("bookTitle")), 1);
			cache.set("books", page);
			assertThat(new String(TestRedis.raw(PREFIX + ":books"), StandardCharsets.UTF_8)).isEqualTo(
					"{\"content\":[{\"book_title\":\"Emma\",\"price\":9.90,\"added_at\":\"1970-01-01T00:00:00Z\"}],"
							+ "\"page\":{\"size\":10,\"number\":0,\"totalElements\":1,\"totalPages\":1,"
							+ "\"sort\":[{\"property\":\"bookTitle\",\"direction\":\"ASC\"}]}}");
			assertThat(cache.get("books", new ParameterizedTypeReference<Page<Book>>() {
			})).contains(page);
			cache.set("maybe", Optional.of(page.getContent().get(0)));
			assertThat(cache.get("maybe", Book.class)).contains(page.getContent().get(0));
			context.getBean(CacheSerializer.class).checkReadable(new ParameterizedTypeReference<Page<Book>>() {
			}.getType());
		});
	}

	@Test
	void namesMatchIgnoringCaseAndAnObjectWithNoMatchingNameFails() {
		this.contextRunner.run((context) -> {
			CacheSerializer serializer = context.getBean(CacheSerializer.class);
			assertThat(serializer.deserialize("{\"BOOK_TITLE\":\"Emma\"}".getBytes(StandardCharsets.UTF_8), Book.class))
				.isEqualTo(new Book("Emma", null, null));
			assertThatExceptionOfType(CacheSerializationException.class)
				.isThrownBy(() -> serializer.deserialize("{\"bookTitle\":\"Emma\"}".getBytes(StandardCharsets.UTF_8),
						Book.class))
				.withMessageContaining("book_title");
			// the application's own mapper keeps its settings for its other uses
			assertThat(context.getBean(JsonMapper.class).readValue("{\"BOOK_TITLE\":\"Emma\"}", Book.class))
				.isEqualTo(new Book(null, null, null));
		});
	}

}
