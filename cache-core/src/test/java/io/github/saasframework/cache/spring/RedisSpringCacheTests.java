package io.github.saasframework.cache.spring;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.github.saasframework.cache.CacheConfig;
import io.github.saasframework.cache.RedisCache;
import io.github.saasframework.cache.RememberPolicy;
import io.github.saasframework.cache.testsupport.RedisServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.cache.Cache;
import org.springframework.cache.support.NullValue;
import org.springframework.data.redis.connection.RedisConnection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The Spring cache bridge on the shared test server, below Spring's interceptor: what a
 * cached {@code null} is (the null marker of {@code remember}, read back as
 * {@link NullValue}), that a missing key is told apart from it, that {@code putIfAbsent}
 * never replaces a value, and that {@code retrieve} reads the same entries.
 */
@ExtendWith(RedisServerExtension.class)
class RedisSpringCacheTests {

	private final String prefix = "spring-bridge-" + UUID.randomUUID().toString().substring(0, 8);

	private final RedisCache cache = RedisCache.create(RedisServerExtension.connectionFactory(),
			CacheConfig.builder().keyPrefix(this.prefix).build());

	private final RedisSpringCacheManager manager = manager();

	@AfterEach
	void cleanUp() {
		this.cache.flushPrefix();
		this.cache.close();
	}

	private RedisSpringCacheManager manager() {
		RedisSpringCacheManager built = RedisSpringCacheManager.builder(this.cache)
			.policies((name) -> name.equals("nullable") ? RememberPolicy.defaultTtl().cacheNulls(true)
					: RememberPolicy.defaultTtl())
			.initialCacheNames(List.of("items", "nullable"))
			.build();
		built.afterPropertiesSet();
		return built;
	}

	@Test
	void aCachedNull_isTheNullMarker_toldApartFromAMissingKey() throws Exception {
		Cache nullable = this.manager.getCache("nullable");
		assertThat(nullable.get("1")).as("missing").isNull();
		nullable.put("1", null);
		assertThat(nullable.get("1")).as("a cached null")
			.isNotNull()
			.satisfies((found) -> assertThat(found.get()).isNull());
		nullable.put("2", NullValue.INSTANCE);
		assertThat(nullable.get("2")).isNotNull().satisfies((found) -> assertThat(found.get()).isNull());
		assertThat(pttl(this.prefix + ":nullable:2")).as("the null TTL (30 s by default)").isBetween(1L, 30_000L);
		assertThat(this.cache.withPrefix("nullable").get("2", String.class)).as("get sees no value").isEmpty();
		assertThat(this.cache.withPrefix("nullable")
			.remember("2", RememberPolicy.defaultTtl().cacheNulls(true), String.class, () -> "loaded"))
			.as("remember sees the marker as a cached null")
			.isNull();
		assertThat(nullable.retrieve("2").get(5, TimeUnit.SECONDS)).isInstanceOf(Cache.ValueWrapper.class);
		assertThat(nullable.retrieve("missing").get(5, TimeUnit.SECONDS)).isNull();
	}

	@Test
	void aNull_withoutNullCaching_removesTheEntry() {
		Cache items = this.manager.getCache("items");
		items.put("1", "v");
		items.put("1", null);
		assertThat(items.get("1")).isNull();
		assertThat(this.cache.exists("items:1")).isZero();
	}

	@Test
	void putIfAbsent_neverReplacesAValue_andReturnsWhatIsThere() {
		Cache nullable = this.manager.getCache("nullable");
		assertThat(nullable.putIfAbsent("1", "first")).isNull();
		assertThat(nullable.putIfAbsent("1", "second")).isNotNull()
			.satisfies((found) -> assertThat(found.get()).isEqualTo("first"));
		assertThat(nullable.putIfAbsent("1", null)).isNotNull();
		assertThat(nullable.get("1", String.class)).isEqualTo("first");
		assertThat(nullable.putIfAbsent("2", null)).isNull();
		assertThat(nullable.get("2")).isNotNull().satisfies((found) -> assertThat(found.get()).isNull());
	}

	@Test
	void retrieve_readsWhatPutWrote_withoutBlocking() throws Exception {
		Cache items = this.manager.getCache("items");
		items.put("1", "v");
		CompletableFuture<?> found = items.retrieve("1");
		assertThat(found.get(5, TimeUnit.SECONDS)).isEqualTo("v");
		CompletableFuture<String> loaded = items.retrieve("2", () -> CompletableFuture.completedFuture("loaded"));
		assertThat(loaded.get(5, TimeUnit.SECONDS)).isEqualTo("loaded");
		assertThat(items.get("2", String.class)).isEqualTo("loaded");
	}

	@Test
	void theBridge_needsACacheMadeByRedisCache() {
		assertThatIllegalArgumentException().isThrownBy(() -> RedisSpringCacheManager
			.builder((io.github.saasframework.cache.Cache) java.lang.reflect.Proxy.newProxyInstance(
					getClass().getClassLoader(), new Class<?>[] { io.github.saasframework.cache.Cache.class },
					(proxy, method, args) -> null)))
			.withMessageContaining("RedisCache.create");
	}

	private static long pttl(String key) {
		try (RedisConnection connection = RedisServerExtension.connectionFactory().getConnection()) {
			Long pttl = connection.keyCommands().pTtl(key.getBytes(StandardCharsets.UTF_8));
			return (pttl != null) ? pttl : -2;
		}
	}

}
