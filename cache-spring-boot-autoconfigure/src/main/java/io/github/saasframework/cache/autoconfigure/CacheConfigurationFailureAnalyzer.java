package io.github.saasframework.cache.autoconfigure;

import io.github.saasframework.cache.interceptor.InvalidCacheConfigurationException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports an invalid {@code app.cache.*} property or cache annotation attribute as Spring
 * Boot reports its own invalid properties: what was set, the value, why it is wrong, and
 * what would be valid, instead of a long stack trace.
 */
final class CacheConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<InvalidCacheConfigurationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidCacheConfigurationException cause) {
		String description = "Invalid value '" + cause.value() + "' for " + cause.subject() + ":\n\n    Reason: "
				+ cause.reason();
		String action = "Update " + cause.subject() + " to " + cause.validForms() + ".";
		return new FailureAnalysis(description, action, cause);
	}

}
