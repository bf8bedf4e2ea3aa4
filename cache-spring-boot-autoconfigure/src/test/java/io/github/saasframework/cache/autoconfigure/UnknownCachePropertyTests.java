package io.github.saasframework.cache.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.github.saasframework.cache.testsupport.RedisServerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Issue 24: a misspelt {@code app.cache.*} key was silently ignored
 * ({@code app.cache.defualt-ttl: 5m} started with the 1 h default). Unknown keys now fail
 * the startup with Boot's failure report naming the key and the closest known one. None
 * of these contexts connects to Redis: binding fails before any connection.
 */
@ExtendWith(OutputCaptureExtension.class)
class UnknownCachePropertyTests {

	/** Nothing listens there: the contexts that start never reach a Redis. */
	private static final int CLOSED_PORT = RedisServerProcess.freePort();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, RedisCacheAutoConfiguration.class))
		.withBean(DataRedisConnectionDetails.class, () -> TestRedis.connectionDetails(CLOSED_PORT));

	@Test
	void misspeltKeyFailsStartupNamingItAndTheClosestKnownKey() {
		assertThat(analysis("app.cache.defualt-ttl=5m").getDescription()).contains("Property: app.cache.defualt-ttl",
				"Value: \"5m\"", "Did you mean: app.cache.default-ttl");
		assertThat(analysis("app.cache.defualt-ttl=5m").getAction())
			.startsWith("Replace app.cache.defualt-ttl with app.cache.default-ttl, or remove it.");
	}

	@Test
	void misspeltKeyOfANestedGroupNamesTheClosestKeyOfThatGroup() {
		assertThat(analysis("app.cache.lock.defualt-wait=1s").getDescription())
			.contains("Did you mean: app.cache.lock.default-wait");
		assertThat(analysis("app.cache.near.enable=true").getDescription())
			.contains("Did you mean: app.cache.near.enabled");
	}

	@Test
	void misspeltSubKeyOfASpringCacheKeepsTheCacheName() {
		assertThat(analysis("app.cache.caches.books.tll=5m").getDescription())
			.contains("Property: app.cache.caches.books.tll", "Did you mean: app.cache.caches.books.ttl");
		assertThat(analysis("app.cache.caches.books.refresh-afer=1m").getDescription())
			.contains("Did you mean: app.cache.caches.books.refresh-after");
	}

	@Test
	void misspeltKeyInCamelCaseIsComparedByWhatItWouldBindTo() {
		assertThat(analysis("app.cache.defualtTtl=5m").getDescription())
			.contains("Did you mean: app.cache.default-ttl");
		assertThat(analysis("app.cache.remember.cacheNull=true").getDescription())
			.contains("Did you mean: app.cache.remember.cache-nulls");
	}

	@Test
	void everyUnknownKeyIsReported() {
		FailureAnalysis analysis = analysis("app.cache.defualt-ttl=5m", "app.cache.key-prefx=myapp");
		assertThat(analysis.getDescription()).contains("no such app.cache.* properties")
			.contains("Did you mean: app.cache.default-ttl", "Did you mean: app.cache.key-prefix");
	}

	@Test
	void knownKeysInEveryRelaxedFormStart() {
		this.contextRunner.withPropertyValues("app.cache.defaultTtl=5m", "app.cache.key_prefix=relaxed",
				"app.cache.LOCK.DEFAULT-WAIT=1s", "app.cache.caches.books.ttl=2m",
				"app.cache.caches.Other-Cache.cacheNulls=true", "app.cache.caches.books.refresh-after=1m",
				"app.cache.max-value-size=0", "app.cache.reconnect.max-delay=0", "app.cache.spring-cache.enabled=true",
				"app.cache.observations.enabled=true", "app.cache.json.go-durations=false", "app.cache.near.max-age=1m",
				"app.cache.metrics.prefix-limit=3", "app.cache.serializer=string", "app.cache.ttl-jitter=0.1",
				"app.cache.remember.fail-open=true", "app.cache.enabled=true",
				// YAML's "defaults-only:" without settings: a cache with the defaults
				"app.cache.caches.defaults-only=")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				RedisCacheProperties properties = context.getBean(RedisCacheProperties.class);
				assertThat(properties.getDefaultTtl()).isEqualTo(Duration.ofMinutes(5));
				assertThat(properties.getKeyPrefix()).isEqualTo("relaxed");
				assertThat(properties.getLock().getDefaultWait()).isEqualTo(Duration.ofSeconds(1));
				assertThat(properties.getCaches()).containsKeys("books", "defaults-only");
			});
	}

	/**
	 * Boot's check counts a value that converts to nothing as unbound; the report says so
	 * rather than calling a known key unknown.
	 */
	@Test
	void emptyValueOfAKnownKeyIsReportedAsEmptyNotAsUnknown() {
		FailureAnalysis analysis = analysis("app.cache.max-value-size=");
		assertThat(analysis.getDescription()).contains("Property: app.cache.max-value-size")
			.contains("Reason: the property is known, but its value binds to nothing")
			.doesNotContain("Did you mean");
		assertThat(analysis("app.cache.caches.books.ttl=").getAction())
			.startsWith("Give app.cache.caches.books.ttl a value, or remove it.");
	}

	@Test
	void environmentVariablesBindAndUnknownOnesAreLeftAloneAsBootDoes() {
		// Boot's UnboundElementsSourceFilter: the environment holds variables of every
		// program on the machine, so only application property sources are checked
		this.contextRunner.withInitializer((context) -> {
			ConfigurableEnvironment environment = context.getEnvironment();
			environment.getPropertySources()
				.replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
						new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
								Map.of("APP_CACHE_DEFAULT_TTL", "7m", "APP_CACHE_LOCK_DEFAULTWAIT", "3s",
										"APP_CACHE_DEFUALT_TTL", "5m")));
		}).run((context) -> {
			assertThat(context).hasNotFailed();
			RedisCacheProperties properties = context.getBean(RedisCacheProperties.class);
			assertThat(properties.getDefaultTtl()).isEqualTo(Duration.ofMinutes(7));
			assertThat(properties.getLock().getDefaultWait()).isEqualTo(Duration.ofSeconds(3));
		});
	}

	@Test
	void disabledLibraryStartsWithAnyKeys() {
		this.contextRunner.withPropertyValues("app.cache.enabled=false", "app.cache.defualt-ttl=5m", "app.cache.x.y=z")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(RedisCacheProperties.class);
			});
	}

	@Test
	void otherPrefixesAreLeftToBoot() {
		// a failure of another @ConfigurationProperties class is not ours to report
		assertThat(
				new UnknownCachePropertyFailureAnalyzer().analyze(new IllegalStateException("not a binding failure")))
			.isNull();
	}

	@Test
	void everyKnownNameIsOneThePropertiesClassBinds() {
		List<String> names = UnknownCachePropertyFailureAnalyzer.knownNames(RedisCacheProperties.class)
			.stream()
			.map((name) -> String.join(".", name))
			.toList();
		assertThat(names).contains("app.cache.enabled", "app.cache.default-ttl", "app.cache.key-prefix",
				"app.cache.serializer", "app.cache.ttl-jitter", "app.cache.max-value-size", "app.cache.command-timeout",
				"app.cache.lock.default-ttl", "app.cache.lock.default-wait", "app.cache.lock.retry-interval",
				"app.cache.remember.distributed", "app.cache.remember.lease", "app.cache.remember.wait",
				"app.cache.remember.fail-open", "app.cache.remember.cache-nulls", "app.cache.remember.null-ttl",
				"app.cache.metrics.prefix-limit", "app.cache.reconnect.max-delay", "app.cache.near.enabled",
				"app.cache.near.max-entries", "app.cache.near.max-age", "app.cache.observations.enabled",
				"app.cache.json.go-durations", "app.cache.spring-cache.enabled", "app.cache.caches.*.ttl",
				"app.cache.caches.*.cache-nulls", "app.cache.caches.*.refresh-after");
		assertThat(names).hasSize(27);
	}

	@Test
	void distanceCountsATranspositionAsOneEdit() {
		assertThat(UnknownCachePropertyFailureAnalyzer.distance("defualt", "default")).isOne();
		assertThat(UnknownCachePropertyFailureAnalyzer.distance("ttl", "tll")).isOne();
		assertThat(UnknownCachePropertyFailureAnalyzer.distance("", "abc")).isEqualTo(3);
		assertThat(UnknownCachePropertyFailureAnalyzer.closest(ConfigurationPropertyName.of("app.cache.caches"),
				UnknownCachePropertyFailureAnalyzer.knownNames(RedisCacheProperties.class)))
			.startsWith("app.cache.caches.<name>.");
	}

	/**
	 * What a user sees: Boot's "APPLICATION FAILED TO START" report, written by this
	 * library's analyzer (ordered before Boot's own analyzer of unbound properties).
	 */
	@Test
	void misspeltKeyAndPrefixWithASpaceEndInBootsFailureReport(CapturedOutput output) {
		assertThatException().isThrownBy(() -> run("--app.cache.defualt-ttl=5m"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("The Redis cache has no such app.cache.* property:")
			.contains("Property: app.cache.defualt-ttl")
			.contains("Did you mean: app.cache.default-ttl")
			.doesNotContain("Update your application's configuration");
		assertThatException().isThrownBy(() -> run("--app.cache.key-prefix=has space"));
		assertThat(output).contains("Invalid value 'has space' for property 'app.cache.key-prefix':")
			.contains("Reason: must not contain whitespace or control characters");
	}

	private static void run(String... args) {
		new SpringApplicationBuilder(ReportedApplication.class).web(WebApplicationType.NONE)
			.properties("spring.main.banner-mode=off", "spring.data.redis.host=127.0.0.1",
					"spring.data.redis.port=" + CLOSED_PORT)
			.run(args)
			.close();
	}

	private FailureAnalysis analysis(String... properties) {
		FailureAnalysis[] analysis = new FailureAnalysis[1];
		this.contextRunner.withPropertyValues(properties).run((context) -> {
			assertThat(context).hasFailed();
			analysis[0] = new UnknownCachePropertyFailureAnalyzer().analyze(context.getStartupFailure());
		});
		assertThat(analysis[0]).as("analysis of %s", List.of(properties)).isNotNull();
		return analysis[0];
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ DataRedisAutoConfiguration.class, RedisCacheAutoConfiguration.class })
	static class ReportedApplication {

	}

}
