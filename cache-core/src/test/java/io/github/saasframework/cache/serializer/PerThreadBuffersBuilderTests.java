package io.github.saasframework.cache.serializer;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.util.BufferRecycler;
import tools.jackson.core.util.JsonRecyclerPools;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link PerThreadBuffersBuilder}: the copy keeps every setting of the application's
 * mapper and factory, and only its buffer pool changes.
 */
class PerThreadBuffersBuilderTests {

	record Book(String bookTitle, int year) {
	}

	@Test
	void keepsTheMappersSettingsAndTheFactorysConstraints() {
		JsonFactory factory = JsonFactory.builder()
			.streamReadConstraints(StreamReadConstraints.builder().maxStringLength(16).build())
			.build();
		JsonMapper.Builder settings = JsonMapper.builder(factory)
			.propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
			.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

		JsonMapper copy = new PerThreadBuffersBuilder(settings).build();

		assertThat(copy.writeValueAsString(new Book("Dune", 1965)))
			.isEqualTo("{\"book_title\":\"Dune\",\"year\":1965}");
		assertThat(copy.isEnabled(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)).isTrue();
		assertThat(copy.tokenStreamFactory().streamReadConstraints().getMaxStringLength()).isEqualTo(16);
		assertThat(copy.tokenStreamFactory()._getRecyclerPool()).isSameAs(JsonRecyclerPools.threadLocalPool());
		// the application's own factory keeps its pool
		assertThat(factory._getRecyclerPool()).isNotSameAs(JsonRecyclerPools.threadLocalPool());
	}

	@Test
	void aThreadReusesItsBuffersAndAnotherThreadHasItsOwn() throws Exception {
		JsonFactory factory = new PerThreadBuffersBuilder(JsonMapper.builder()).build().tokenStreamFactory();
		BufferRecycler first = factory._getRecyclerPool().acquireAndLinkPooled();
		first.releaseToPool();
		BufferRecycler again = factory._getRecyclerPool().acquireAndLinkPooled();
		again.releaseToPool();
		ExecutorService other = Executors.newSingleThreadExecutor();
		try {
			BufferRecycler elsewhere = CompletableFuture.supplyAsync(() -> {
				BufferRecycler recycler = factory._getRecyclerPool().acquireAndLinkPooled();
				recycler.releaseToPool();
				return recycler;
			}, other).get(10, TimeUnit.SECONDS);

			assertThat(again).isSameAs(first);
			assertThat(elsewhere).isNotSameAs(first);
		}
		finally {
			other.shutdownNow();
		}
	}

}
