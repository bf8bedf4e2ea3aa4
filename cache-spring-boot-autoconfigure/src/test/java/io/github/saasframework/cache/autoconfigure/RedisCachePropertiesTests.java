package io.github.saasframework.cache.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pins the defaults and keys of {@code app.cache.*} to the table in API.md.
 */
class RedisCachePropertiesTests {

	@Test
	void defaultsMatchTheDocumentedTable() {
		RedisCacheProperties properties = new RedisCacheProperties();
		assertThat(properties.isEnabled()).isTrue();
		assertThat(properties.getDefaultTtl()).isEqualTo(Duration.ofHours(1));
		assertThat(properties.getKeyPrefix()).isEmpty();
		assertThat(properties.getSerializer()).isEqualTo(RedisCacheProperties.SerializerType.JSON);
		assertThat(properties.getLock().getDefaultTtl()).isEqualTo(Duration.ofSeconds(30));
		assertThat(properties.getLock().getDefaultWait()).isEqualTo(Duration.ofSeconds(10));
		assertThat(properties.getLock().getRetryInterval()).isEqualTo(Duration.ofMillis(50));
		assertThat(properties.getTtlJitter()).isZero();
		assertThat(properties.getRemember().isDistributed()).isTrue();
		assertThat(properties.getRemember().getLease()).isEqualTo(Duration.ofSeconds(10));
		assertThat(properties.getRemember().getWait()).isEqualTo(Duration.ofSeconds(5));
		assertThat(properties.getRemember().isFailOpen()).isTrue();
		assertThat(properties.getRemember().isCacheNulls()).isFalse();
		assertThat(properties.getRemember().getNullTtl()).isEqualTo(Duration.ofSeconds(30));
	}

	@Test
	void everyDocumentedKeyBinds() {
		Map<String, String> source = new HashMap<>();
		source.put("app.cache.enabled", "false");
		source.put("app.cache.default-ttl", "5m");
		source.put("app.cache.key-prefix", "myapp");
		source.put("app.cache.serializer", "string");
		source.put("app.cache.lock.default-ttl", "PT1M");
		source.put("app.cache.lock.default-wait", "250ms");
		source.put("app.cache.lock.retry-interval", "5ms");
		source.put("app.cache.ttl-jitter", "0.2");
		source.put("app.cache.remember.distributed", "false");
		source.put("app.cache.remember.lease", "20s");
		source.put("app.cache.remember.wait", "1s");
		source.put("app.cache.remember.fail-open", "false");
		source.put("app.cache.remember.cache-nulls", "true");
		source.put("app.cache.remember.null-ttl", "15s");
		RedisCacheProperties properties = new Binder(new MapConfigurationPropertySource(source))
			.bindOrCreate("app.cache", RedisCacheProperties.class);
		assertThat(properties.isEnabled()).isFalse();
		assertThat(properties.getDefaultTtl()).isEqualTo(Duration.ofMinutes(5));
		assertThat(properties.getKeyPrefix()).isEqualTo("myapp");
		assertThat(properties.getSerializer()).isEqualTo(RedisCacheProperties.SerializerType.STRING);
		assertThat(properties.getLock().getDefaultTtl()).isEqualTo(Duration.ofMinutes(1));
		assertThat(properties.getLock().getDefaultWait()).isEqualTo(Duration.ofMillis(250));
		assertThat(properties.getLock().getRetryInterval()).isEqualTo(Duration.ofMillis(5));
		assertThat(properties.getTtlJitter()).isEqualTo(0.2);
		assertThat(properties.getRemember().isDistributed()).isFalse();
		assertThat(properties.getRemember().getLease()).isEqualTo(Duration.ofSeconds(20));
		assertThat(properties.getRemember().getWait()).isEqualTo(Duration.ofSeconds(1));
		assertThat(properties.getRemember().isFailOpen()).isFalse();
		assertThat(properties.getRemember().isCacheNulls()).isTrue();
		assertThat(properties.getRemember().getNullTtl()).isEqualTo(Duration.ofSeconds(15));
	}

	@Test
	void metadataDescribesEveryKeyWithItsDefault() throws IOException {
		JsonNode metadata;
		try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			assertThat(in).as("spring-configuration-metadata.json written by the processor").isNotNull();
			metadata = JsonMapper.builder().build().readTree(in);
		}
		Map<String, JsonNode> byName = new HashMap<>();
		metadata.get("properties").forEach((property) -> byName.put(property.get("name").asString(), property));
		assertThat(byName).containsOnlyKeys("app.cache.enabled", "app.cache.default-ttl", "app.cache.key-prefix",
				"app.cache.serializer", "app.cache.lock.default-ttl", "app.cache.lock.default-wait",
				"app.cache.lock.retry-interval", "app.cache.ttl-jitter", "app.cache.remember.distributed",
				"app.cache.remember.lease", "app.cache.remember.wait", "app.cache.remember.fail-open",
				"app.cache.remember.cache-nulls", "app.cache.remember.null-ttl", "app.cache.max-value-size",
				"app.cache.command-timeout", "app.cache.metrics.prefix-limit", "app.cache.reconnect.max-delay",
				"app.cache.near.enabled", "app.cache.near.max-entries", "app.cache.near.max-age",
				"app.cache.observations.enabled", "app.cache.json.go-durations", "app.cache.spring-cache.enabled",
				"app.cache.caches", "management.health.appcache.enabled");
		byName.forEach((name, property) -> assertThat(property.path("description").asString()).as(name).isNotBlank());
		Map<String, String> defaults = new HashMap<>();
		byName.forEach((name, property) -> {
			if (property.has("defaultValue")) {
				defaults.put(name, property.get("defaultValue").asString());
			}
		});
		assertThat(defaults).containsEntry("app.cache.enabled", "true")
			.containsEntry("app.cache.default-ttl", "1h")
			.containsEntry("app.cache.key-prefix", "")
			.containsEntry("app.cache.serializer", "json")
			.containsEntry("app.cache.lock.default-ttl", "30s")
			.containsEntry("app.cache.lock.default-wait", "10s")
			.containsEntry("app.cache.lock.retry-interval", "50ms")
			.containsEntry("app.cache.ttl-jitter", "0")
			.containsEntry("app.cache.remember.lease", "10s")
			.containsEntry("app.cache.remember.wait", "5s")
			.containsEntry("app.cache.remember.null-ttl", "30s")
			.containsEntry("app.cache.remember.fail-open", "true")
			.containsEntry("app.cache.max-value-size", "0B")
			.containsEntry("app.cache.metrics.prefix-limit", "0")
			.containsEntry("app.cache.reconnect.max-delay", "1s")
			.containsEntry("app.cache.near.enabled", "false")
			.containsEntry("app.cache.near.max-entries", "10000")
			.containsEntry("app.cache.near.max-age", "10m")
			.containsEntry("app.cache.spring-cache.enabled", "true")
			.containsEntry("management.health.appcache.enabled", "true")
			// unset: the connection's timeout, or 1s when that is Lettuce's default
			.doesNotContainKey("app.cache.command-timeout");
		assertThat(List.copyOf(byName.keySet()))
			.allMatch((name) -> name.startsWith("app.cache.") || name.equals("management.health.appcache.enabled"));
	}

}
