package io.github.saasframework.cache.serializer;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.deser.DeserializationProblemHandler;
import tools.jackson.databind.exc.ValueInstantiationException;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link DirectCreatorModule}: constructors called through a handle made once, with what
 * is created and how failures are reported exactly as Jackson's own call.
 */
class DirectCreatorModuleTests {

	private static final AtomicReference<List<String>> CALLERS = new AtomicReference<>();

	private final JsonMapper direct = JsonMapper.builder().addModule(new DirectCreatorModule()).build();

	private final JsonMapper jackson = JsonMapper.builder().build();

	record Probe(String name) {
		Probe {
			CALLERS.set(StackWalker.getInstance()
				.walk((frames) -> frames.map(StackWalker.StackFrame::getClassName).toList()));
		}
	}

	record Positive(int value) {
		Positive {
			if (value < 0) {
				throw new IllegalArgumentException("value must not be negative");
			}
		}
	}

	private record Hidden(long id, String title) {
	}

	static final class Created {

		final String title;

		final int year;

		@JsonCreator
		private Created(@JsonProperty("title") String title, @JsonProperty("year") int year) {
			this.title = title;
			this.year = year;
		}

	}

	@Test
	void theCacheSerializerCreatesRecordsThroughTheModule() {
		Probe probe = (Probe) new JsonCacheSerializer().deserialize("{\"name\":\"a\"}".getBytes(), Probe.class);
		List<String> callers = CALLERS.get();

		assertThat(callers).anyMatch((name) -> name.endsWith("DirectCreatorModule$Direct"));
		assertThat(probe.name()).isEqualTo("a");
	}

	@Test
	void privateRecordsAndCreatorConstructorsAreCreatedAsByJackson() {
		String json = "{\"id\":7,\"title\":\"Dune\",\"year\":1965}";

		assertThat(this.direct.readerFor(Hidden.class)
			.without(tools.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
			.<Hidden>readValue(json)).isEqualTo(new Hidden(7, "Dune"));
		Created created = this.direct.readerFor(Created.class)
			.without(tools.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
			.readValue(json);
		assertThat(created.title).isEqualTo("Dune");
		assertThat(created.year).isEqualTo(1965);
	}

	@Test
	void aConstructorsExceptionIsReportedAsJacksonReportsIt() {
		String json = "{\"value\":-1}";
		ValueInstantiationException expected = org.junit.jupiter.api.Assertions
			.assertThrows(ValueInstantiationException.class, () -> this.jackson.readValue(json, Positive.class));

		assertThatExceptionOfType(ValueInstantiationException.class)
			.isThrownBy(() -> this.direct.readValue(json, Positive.class))
			.withMessage(expected.getMessage())
			.withCauseInstanceOf(IllegalArgumentException.class);
	}

	@Test
	void problemHandlersStillSeeAConstructorsException() {
		JsonMapper handled = JsonMapper.builder()
			.addModule(new DirectCreatorModule())
			.addHandler(new DeserializationProblemHandler() {
				@Override
				public Object handleInstantiationProblem(DeserializationContext context, Class<?> type, Object argument,
						Throwable failure) {
					return new Positive(0);
				}
			})
			.build();

		assertThat(handled.readValue("{\"value\":-1}", Positive.class)).isEqualTo(new Positive(0));
	}

}
