package io.github.saasframework.cache.autoconfigure;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import io.github.saasframework.cache.CacheObserver;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

/**
 * Records each observed cache operation as a Micrometer {@link Observation} named
 * {@value #NAME} (a trace span {@code cache get|remember|lock} with a tracer, a timer
 * with a meter handler), opened in scope on the caller's thread, so that what the loader
 * of a {@code remember} miss does is recorded as its child. Low-cardinality key-values
 * only: {@code cache} (as in the meters: the prefix, {@value #NO_PREFIX} for none, the
 * cache's name for a cache of Spring's cache abstraction), {@code operation} and
 * {@code result} ({@code error} when the operation threw); never a key or a value. When
 * the registry has no handler Micrometer hands out its no-op observation, so the cost is
 * one check per call.
 */
final class MicrometerCacheObserver implements CacheObserver, CacheNameListener {

	/** Name of the observations. */
	static final String NAME = "cache.operation";

	/** Value of the {@code cache} key for a cache without prefix, as in the meters. */
	static final String NO_PREFIX = "(none)";

	private final ObservationRegistry registry;

	/**
	 * The {@code cache} value of prefixes that are caches of Spring's cache abstraction.
	 */
	private final ConcurrentMap<String, String> cacheNames = new ConcurrentHashMap<>();

	MicrometerCacheObserver(ObservationRegistry registry) {
		this.registry = registry;
	}

	/**
	 * Tags the observations of {@code prefix} with {@code cache=<cacheName>}, as the
	 * meters of that cache are tagged.
	 */
	@Override
	public void cacheCreated(String cacheName, String prefix) {
		this.cacheNames.put(prefix, cacheName);
	}

	@Override
	public Observed start(Operation operation, String prefix) {
		Observation observation = Observation.createNotStarted(NAME, this.registry);
		if (observation.isNoop()) {
			return Observed.NONE;
		}
		observation.contextualName("cache " + operation.value())
			.lowCardinalityKeyValue("cache", cacheTag(prefix))
			.lowCardinalityKeyValue("operation", operation.value())
			.lowCardinalityKeyValue("result", "error")
			.start();
		return new ScopedObservation(observation, observation.openScope());
	}

	private String cacheTag(String prefix) {
		String cacheName = this.cacheNames.get(prefix);
		if (cacheName != null) {
			return cacheName;
		}
		return prefix.isEmpty() ? NO_PREFIX : prefix;
	}

	/** One started observation and its scope on the caller's thread. */
	private static final class ScopedObservation implements Observed {

		private final Observation observation;

		private final Observation.Scope scope;

		ScopedObservation(Observation observation, Observation.Scope scope) {
			this.observation = observation;
			this.scope = scope;
		}

		@Override
		public void result(Result result) {
			this.observation.lowCardinalityKeyValue("result", result.value());
		}

		@Override
		public void error(Throwable error) {
			this.observation.lowCardinalityKeyValue("result", "error");
			this.observation.error(error);
		}

		@Override
		public void stop() {
			this.scope.close();
			this.observation.stop();
		}

	}

}
