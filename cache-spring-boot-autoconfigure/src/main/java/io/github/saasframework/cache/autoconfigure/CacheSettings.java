package io.github.saasframework.cache.autoconfigure;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Stream;

import io.github.saasframework.cache.CacheConfig;
import io.github.saasframework.cache.CacheMetricsRecorder;
import io.github.saasframework.cache.CacheObserver;
import io.github.saasframework.cache.RedisCache;

import io.github.saasframework.cache.RememberPolicy;
import io.github.saasframework.cache.interceptor.InvalidCacheConfigurationException;
import io.github.saasframework.cache.internal.near.NearCacheUnavailableException;
import io.github.saasframework.cache.serializer.CacheSerializer;
import io.lettuce.core.RedisURI;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.util.unit.DataSize;

/**
 * Turns {@link RedisCacheProperties} into the core's {@link CacheConfig}. The core
 * validates every setting; this is the one place that translates a core validation
 * failure into the property the user set (an {@link InvalidCacheConfigurationException},
 * reported by {@link CacheConfigurationFailureAnalyzer}).
 */
final class CacheSettings {

	private static final String POSITIVE_DURATION = "a positive duration such as 500ms, 30s, 10m or 1h";

	private static final String DURATION = "zero or a positive duration such as 500ms, 30s or 10m";

	/**
	 * How long the cache's calls wait for Redis when neither the application nor
	 * {@code app.cache.command-timeout} chose a timeout.
	 */
	static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(1);

	private CacheSettings() {
	}

	/**
	 * The auto-configured cache: the properties, then the customizers in order.
	 */
	static RedisCache create(RedisConnectionFactory factory, boolean redisTimeoutSet, RedisCacheProperties properties,
			CacheSerializer serializer, CacheMetricsRecorder recorder, CacheObserver observer,
			Stream<RedisCacheCustomizer> customizers) {
		CacheConfig.Builder config = config(properties, serializer, recorder, observer);
		set("app.cache.command-timeout", commandTimeout(properties, factory, redisTimeoutSet), config::commandTimeout,
				"a positive duration such as 500ms or 2s, or 0 for the connection's command timeout");
		customizers.forEach((customizer) -> customizer.customize(config));
		try {
			return RedisCache.create(factory, config.build());
		}
		catch (NearCacheUnavailableException ex) {
			// Redis answered and cannot keep a near cache coherent: name the switch
			throw InvalidCacheConfigurationException.property("app.cache.near.enabled", true, ex.getMessage(),
					"false, or " + ex.remedy(), ex);
		}
	}

	/**
	 * The core's one builder with every {@code app.cache.*} property applied: the starter
	 * only maps properties; the core holds the defaults and checks the rules.
	 */
	static CacheConfig.Builder config(RedisCacheProperties properties, CacheSerializer serializer,
			CacheMetricsRecorder recorder, CacheObserver observer) {
		CacheConfig.Builder builder = CacheConfig.builder().serializer(serializer);
		set("app.cache.default-ttl", properties.getDefaultTtl(), builder::defaultTtl, POSITIVE_DURATION);
		set("app.cache.key-prefix", properties.getKeyPrefix(), builder::keyPrefix,
				"a namespace such as 'myapp' or 'myapp:v2' (no ':' at either end, no whitespace or control"
						+ " characters), or empty for none");
		RedisCacheProperties.Lock lock = properties.getLock();
		set("app.cache.lock.default-wait", lock.getDefaultWait(), builder::lockWait, DURATION);
		set("app.cache.lock.retry-interval", lock.getRetryInterval(), builder::lockRetryInterval, POSITIVE_DURATION);
		set("app.cache.lock.default-ttl", lock.getDefaultTtl(), builder::lockTtl, POSITIVE_DURATION);
		RedisCacheProperties.Remember remember = properties.getRemember();
		builder.metricsRecorder(recorder)
			.observer(observer)
			.distributedSingleFlight(remember.isDistributed())
			.failOpen(remember.isFailOpen())
			.cacheNulls(remember.isCacheNulls());
		set("app.cache.remember.lease", remember.getLease(), builder::loadLease, POSITIVE_DURATION);
		set("app.cache.remember.wait", remember.getWait(), builder::loadWait, DURATION);
		set("app.cache.remember.null-ttl", remember.getNullTtl(), builder::nullTtl, POSITIVE_DURATION);
		set("app.cache.ttl-jitter", properties.getTtlJitter(), builder::ttlJitter,
				"a fraction from 0 (no jitter) up to, not including, 1, such as 0.1");
		set("app.cache.max-value-size", properties.getMaxValueSize(), (size) -> builder.maxValueBytes(bytes(size)),
				"a size such as 512KB or 1MB (at most 2GB), or 0 for no limit");
		set("app.cache.metrics.prefix-limit", properties.getMetrics().getPrefixLimit(), builder::prefixMetricsLimit,
				"0 or a positive number of namespaces, such as 100");
		RedisCacheProperties.Near near = properties.getNear();
		builder.nearCache(near.isEnabled());
		set("app.cache.near.max-entries", near.getMaxEntries(), builder::nearCacheMaxEntries,
				"a positive number of entries, such as 10000");
		set("app.cache.near.max-age", near.getMaxAge(), builder::nearCacheMaxAge, POSITIVE_DURATION);
		return builder;
	}

	/**
	 * How long the cache's calls wait for Redis: {@code app.cache.command-timeout} when
	 * set; else the connection's command timeout, unless that is Lettuce's default of 60
	 * s, which nothing chose: a stalled or unreachable Redis would hold every cached call
	 * (and a {@code @Cacheable} call twice, its read and its write) for a minute, so the
	 * cache waits {@link #DEFAULT_COMMAND_TIMEOUT} then.
	 */
	static Duration commandTimeout(RedisCacheProperties properties, RedisConnectionFactory factory,
			boolean redisTimeoutSet) {
		if (properties.getCommandTimeout() != null) {
			return properties.getCommandTimeout();
		}
		boolean lettuceDefault = factory instanceof LettuceConnectionFactory lettuce
				&& RedisURI.DEFAULT_TIMEOUT_DURATION.equals(lettuce.getClientConfiguration().getCommandTimeout());
		return (lettuceDefault && !redisTimeoutSet) ? DEFAULT_COMMAND_TIMEOUT : Duration.ZERO;
	}

	/**
	 * The per-call settings of the Spring cache {@code name}: the one place where
	 * {@code app.cache.caches.<name>.*} becomes a {@link RememberPolicy}, checked by the
	 * core's rule. A cache without settings gets the defaults
	 * ({@code app.cache.default-ttl}, {@code app.cache.remember.cache-nulls}).
	 */
	static RememberPolicy policy(String name, RedisCacheProperties properties) {
		RedisCacheProperties.NamedCache spec = properties.getCaches().get(name);
		String property = "app.cache.caches." + name + ".";
		AtomicReference<RememberPolicy> policy = new AtomicReference<>(RememberPolicy.defaultTtl());
		boolean cacheNulls = properties.getRemember().isCacheNulls();
		if (spec != null) {
			Duration ttl = spec.getTtl();
			if (ttl != null) {
				set(property + "ttl", ttl, (value) -> {
					positive(value);
					policy.set(RememberPolicy.ttl(value));
				}, POSITIVE_DURATION);
			}
			if (spec.getCacheNulls() != null) {
				cacheNulls = spec.getCacheNulls();
			}
			Duration refreshAfter = spec.getRefreshAfter();
			if (refreshAfter != null && !refreshAfter.isZero()) {
				Duration defaultTtl = properties.getDefaultTtl();
				set(property + "refresh-after", refreshAfter, (value) -> {
					positive(value);
					policy.set(policy.get().refreshAfter(value).requireRefreshBeforeExpiry(defaultTtl));
				}, "a positive duration shorter than the cache's ttl (or app.cache.default-ttl), such as 4m for a 5m ttl");
			}
		}
		return policy.get().cacheNulls(cacheNulls);
	}

	/**
	 * Applies one property to a core builder; a value the core refuses becomes an
	 * {@link InvalidCacheConfigurationException} naming the property.
	 */
	static <T> void set(String property, T value, Consumer<T> setter, String validForms) {
		try {
			setter.accept(value);
		}
		catch (IllegalArgumentException ex) {
			throw InvalidCacheConfigurationException.property(property, display(value), reason(ex.getMessage()),
					validForms, ex);
		}
	}

	private static int bytes(DataSize size) {
		if (size == null) {
			return 0;
		}
		long bytes = size.toBytes();
		if (bytes < 0 || bytes > Integer.MAX_VALUE) {
			throw new IllegalArgumentException("must be from 0 to 2GB");
		}
		return (int) bytes;
	}

	private static void positive(Duration duration) {
		if (duration == null || duration.isNegative() || duration.isZero()) {
			throw new IllegalArgumentException("must be positive");
		}
	}

	/**
	 * A value as the user would have written it: a duration in Spring Boot's simple style
	 * ({@code -5s} rather than {@code PT-5S}), a string with control characters escaped
	 * (so a value can never forge a line of the failure report).
	 */
	static String display(Object value) {
		if (value == null) {
			return "null";
		}
		if (value instanceof Duration duration) {
			return simple(duration);
		}
		return (value instanceof String text) ? escape(text) : String.valueOf(value);
	}

	static String simple(Duration duration) {
		return InvalidCacheConfigurationException.display(duration);
	}

	private static String escape(String text) {
		StringBuilder escaped = new StringBuilder(text.length());
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c == '\n') {
				escaped.append("\\n");
			}
			else if (c == '\r') {
				escaped.append("\\r");
			}
			else if (c == '\t') {
				escaped.append("\\t");
			}
			else if (Character.isISOControl(c)) {
				escaped.append(String.format("\\u%04x", (int) c));
			}
			else {
				escaped.append(c);
			}
		}
		return escaped.toString();
	}

	/**
	 * The core's message without the Java name it starts with: "defaultTtl must be
	 * positive: PT-5S" becomes "must be positive".
	 */
	static String reason(String message) {
		if (message == null) {
			return "not valid";
		}
		String reason = message.replaceFirst("^[a-z][A-Za-z]* (?=must )", "");
		int colon = reason.lastIndexOf(": ");
		return (colon > 0) ? reason.substring(0, colon) : reason;
	}

}
