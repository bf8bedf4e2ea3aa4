package io.github.saasframework.cache.autoconfigure;

import io.github.saasframework.cache.annotation.Remember;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link CacheConfigurationFailureAnalyzer}: Boot's failure report for an invalid cache
 * annotation attribute (the analyzer for properties is covered with the properties).
 */
class CacheConfigurationFailureAnalyzerTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RedisCacheAutoConfiguration.class));

	@Test
	void failureReportNamesMethodAttributeValueAndValidForms() {
		this.contextRunner.withBean(BadTtl.class).run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new CacheConfigurationFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription())
				.isEqualTo("Invalid value '5 minutes' for attribute 'ttl' of @Remember on " + BadTtl.class.getName()
						+ ".find(long):\n\n    Reason: not a duration");
			assertThat(analysis.getAction()).contains("30s, 5m, PT10M").contains("${myapp.ttl:5m}");
		});
	}

	static class BadTtl {

		@Remember(key = "'user:' + #id", ttl = "5 minutes")
		String find(long id) {
			return "v";
		}

	}

}
