package io.github.saasframework.cache;

import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import io.github.saasframework.cache.serializer.CacheSerializationException;
import io.github.saasframework.cache.serializer.CacheSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.data.redis.connection.ClusterSlotHashUtil;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.Cursor;
import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.serializer.RedisSerializer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The behaviour every {@link Cache} variant must show, on a real Redis. Subclasses supply
 * the connection (a key space of their own: a database or a cluster), the serializer and
 * whether the cache has a prefix. After every test the invariant "no key outside the
 * cache's prefix" is checked, then the test's keys are removed.
 */
abstract class CacheContractTests {

	protected Cache cache;

	protected RedisTemplate<String, byte[]> raw;

	private String prefix;

	/** A connection to a key space that only this variant uses. */
	abstract RedisConnectionFactory connectionFactory();

	abstract CacheSerializer serializer();

	/** Whether the cache has a key prefix (a fresh one per test) or none. */
	abstract boolean prefixed();

	/** Whether values are JSON objects ({@link Person}) or strings. */
	abstract boolean json();

	/** Whether the key space is a Redis Cluster. */
	boolean cluster() {
		return false;
	}

	@BeforeEach
	void createCache() {
		this.prefix = prefixed() ? "contract-" + UUID.randomUUID().toString().substring(0, 8) : "";
		this.raw = new RedisTemplate<>();
		this.raw.setConnectionFactory(connectionFactory());
		this.raw.setKeySerializer(RedisSerializer.string());
		this.raw.setValueSerializer(RedisSerializer.byteArray());
		this.raw.afterPropertiesSet();
		this.cache = RedisCache.create(connectionFactory(),
				CacheConfig.builder()
					.keyPrefix(this.prefix)
					.serializer(serializer())
					.lockWait(Duration.ofSeconds(2))
					.lockRetryInterval(Duration.ofMillis(10))
					.build());
		assertThat(allKeys()).as("key space of this variant before the test").isEmpty();
	}

	@AfterEach
	void checkNoKeyOutsidePrefixAndClean() {
		Set<String> keys = allKeys();
		if (prefixed()) {
			assertThat(keys).as("keys written outside the cache's prefix")
				.allSatisfy((key) -> assertThat(key).startsWith(this.prefix + ":"));
		}
		if (!keys.isEmpty()) {
			this.raw.delete(keys);
		}
	}

	// ---------------------------------------------------------------- helpers

	Object value(int n) {
		return json() ? Person.of(n) : "value-" + n;
	}

	@SuppressWarnings("unchecked")
	Class<Object> valueType() {
		// the real class (Person or String) is what the cache reads with
		return (Class<Object>) (Class<?>) (json() ? Person.class : String.class);
	}

	String redisKey(String key) {
		return this.prefix.isEmpty() ? key : this.prefix + ":" + key;
	}

	byte[] rawGet(String key) {
		return this.raw.opsForValue().get(redisKey(key));
	}

	void rawSet(String key, String value) {
		this.raw.opsForValue().set(redisKey(key), value.getBytes(StandardCharsets.UTF_8));
	}

	long pttl(String key) {
		Long pttl = this.raw
			.execute((RedisConnection c) -> c.keyCommands().pTtl(redisKey(key).getBytes(StandardCharsets.UTF_8)), true);
		return pttl;
	}

	Set<String> allKeys() {
		Set<String> keys = new TreeSet<>();
		try (Cursor<String> cursor = this.raw.scan(ScanOptions.scanOptions().count(1000).build())) {
			cursor.forEachRemaining(keys::add);
		}
		return keys;
	}

	// ---------------------------------------------------------------- basic

	@Test
	void get_missingKey_isEmpty() {
		assertThat(this.cache.get("missing", valueType())).isEmpty();
	}

	@Test
	void set_thenGet_returnsTypedValue() {
		this.cache.set("item:1", value(1));
		assertThat(this.cache.get("item:1", valueType())).contains(value(1));
	}

	@Test
	void set_storesUnderPrefixedKey() {
		this.cache.set("item:1", value(1));
		assertThat(allKeys()).containsExactly(redisKey("item:1"));
	}

	@Test
	void set_withoutTtl_usesDefaultTtl() {
		this.cache.set("item:1", value(1));
		assertThat(pttl("item:1")).isBetween(Duration.ofMinutes(59).toMillis(), Duration.ofHours(1).toMillis());
	}

	@Test
	void set_zeroTtl_usesDefaultTtl() {
		this.cache.set("item:1", value(1), Duration.ZERO);
		assertThat(pttl("item:1")).isBetween(Duration.ofMinutes(59).toMillis(), Duration.ofHours(1).toMillis());
	}

	@Test
	void set_millisecondTtl_isKeptAtMillisecondPrecision() {
		this.cache.set("item:1", value(1), Duration.ofMillis(1500));
		assertThat(pttl("item:1")).isBetween(1L, 1500L).isGreaterThan(1000L);
		assertThat(this.cache.getTtl("item:1"))
			.hasValueSatisfying((ttl) -> assertThat(ttl).isLessThanOrEqualTo(Duration.ofMillis(1500)).isPositive());
	}

	@Test
	void set_shortTtl_expires() {
		this.cache.set("item:1", value(1), Duration.ofMillis(50));
		Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> this.cache.get("item:1", valueType()).isEmpty());
	}

	@Test
	void set_noExpiry_storesWithoutTtl() {
		this.cache.set("item:1", value(1), Cache.NO_EXPIRY);
		assertThat(pttl("item:1")).isEqualTo(-1);
		assertThat(this.cache.getTtl("item:1")).contains(Cache.NO_EXPIRY);
	}

	@Test
	void set_overwrite_replacesValueAndTtl() {
		this.cache.set("item:1", value(1), Cache.NO_EXPIRY);
		this.cache.set("item:1", value(2), Duration.ofSeconds(30));
		assertThat(this.cache.get("item:1", valueType())).contains(value(2));
		assertThat(pttl("item:1")).isBetween(1L, 30_000L);
	}

	@Test
	void set_negativeTtl_throwsAndKeepsOldValue() {
		this.cache.set("item:1", value(1));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.cache.set("item:1", value(2), Duration.ofSeconds(-5)))
			.withMessageContaining("ttl")
			.withMessageContaining("PT-5S");
		assertThat(this.cache.get("item:1", valueType())).contains(value(1));
	}

	@Test
	void set_nullArguments_throw() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.cache.set("item:1", null))
			.withMessageContaining("value");
		assertThatIllegalArgumentException().isThrownBy(() -> this.cache.set("item:1", value(1), null))
			.withMessageContaining("ttl");
		assertThatIllegalArgumentException().isThrownBy(() -> this.cache.set(null, value(1)))
			.withMessageContaining("key");
		assertThatIllegalArgumentException().isThrownBy(() -> this.cache.set("  ", value(1)))
			.withMessageContaining("key must not be blank");
	}

	@Test
	void set_unserializableValue_throwsAndKeepsOldValue() {
		this.cache.set("item:1", value(1));
		Object bad = json() ? new Unwritable() : Person.of(1);
		assertThatExceptionOfType(CacheSerializationException.class).isThrownBy(() -> this.cache.set("item:1", bad))
			.withMessageContaining("item:1");
		assertThat(this.cache.get("item:1", valueType())).contains(value(1));
	}

	@Test
	void setIfAbsent_writesOnlyAMissingKey_withTtl() {
		assertThat(this.cache.setIfAbsent("item:1", value(1), Duration.ofSeconds(30))).isTrue();
		assertThat(pttl("item:1")).isBetween(1L, 30_000L);
		assertThat(this.cache.setIfAbsent("item:1", value(2), Duration.ofSeconds(60))).isFalse();
		assertThat(this.cache.get("item:1", valueType())).contains(value(1));
		assertThat(pttl("item:1")).isBetween(1L, 30_000L);
	}

	@Test
	void setIfAbsent_badArguments_throwBeforeWriting() {
		this.cache.set("item:1", value(1));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.cache.setIfAbsent("item:2", value(2), Duration.ofSeconds(-1)))
			.withMessageContaining("ttl");
		assertThatIllegalArgumentException().isThrownBy(() -> this.cache.setIfAbsent("item:2", null, Duration.ZERO))
			.withMessageContaining("value");
		assertThatIllegalArgumentException().isThrownBy(() -> this.cache.setIfAbsent(" ", value(2), Duration.ZERO))
			.withMessageContaining("key");
		Object bad = json() ? new Unwritable() : Person.of(1);
		assertThatExceptionOfType(CacheSerializationException.class)
			.isThrownBy(() -> this.cache.setIfAbsent("item:2", bad, Duration.ZERO))
			.withMessageContaining("item:2");
		assertThat(this.cache.exists("item:2")).isZero();
		assertThat(this.cache.get("item:1", valueType())).contains(value(1));
	}

	@Test
	void set_stringValue_isStoredRaw() {
		this.cache.set("greeting", "Hello, World!");
		assertThat(new String(rawGet("greeting"), StandardCharsets.UTF_8)).isEqualTo("Hello, World!");
		assertThat(this.cache.get("greeting", String.class)).contains("Hello, World!");
	}

	@Test
	void set_bytes_areStoredRaw() {
		byte[] bytes = { 0, 1, 2, (byte) 255 };
		this.cache.set("bytes", bytes);
		assertThat(rawGet("bytes")).isEqualTo(bytes);
		assertThat(this.cache.get("bytes", byte[].class)).hasValueSatisfying((b) -> assertThat(b).isEqualTo(bytes));
	}

	@Test
	void get_bytesNotValidForType_throwsNamingKeyNotValue() {
		rawSet("corrupt", "{\"name\": \"secret-value\", broken");
		assertThatExceptionOfType(CacheSerializationException.class)
			.isThrownBy(() -> this.cache.get("corrupt", Person.class))
			.withMessageContaining("corrupt")
			.withMessageNotContaining("secret-value");
		assertThat(rawGet("corrupt")).as("the stored bytes stay as they were").isNotNull();
	}

	@Test
	void delete_existingKey_returnsTrue() {
		this.cache.set("item:1", value(1));
		assertThat(this.cache.delete("item:1")).isTrue();
		assertThat(this.cache.get("item:1", valueType())).isEmpty();
	}

	@Test
	void delete_missingKey_returnsFalse() {
		assertThat(this.cache.delete("missing")).isFalse();
	}

	@Test
	void exists_countsExistingKeys() {
		this.cache.set("a", value(1));
		this.cache.set("b", value(2));
		assertThat(this.cache.exists("a", "b", "c")).isEqualTo(2);
		assertThat(this.cache.exists("a", "a")).isEqualTo(2);
		assertThat(this.cache.exists()).isZero();
	}

	@Test
	void everyKeyArgument_blankOrNull_isRejected() {
		for (String bad : Arrays.asList(null, "", "   ")) {
			assertThatIllegalArgumentException().isThrownBy(() -> this.cache.get(bad, String.class));
			assertThatIllegalArgumentException().isThrownBy(() -> this.cache.delete(bad));
			assertThatIllegalArgumentException().isThrownBy(() -> this.cache.exists("ok", bad));
			assertThatIllegalArgumentException()
				.isThrownBy(() -> this.cache.getAll(Arrays.asList("ok", bad), String.class));
			assertThatIllegalArgumentException().isThrownBy(() -> this.cache.deleteAll(Arrays.asList("ok", bad)));
			assertThatIllegalArgumentException()
				.isThrownBy(() -> this.cache.remember(bad, Duration.ZERO, String.class, () -> "x"));
			assertThatIllegalArgumentException().isThrownBy(() -> this.cache.increment(bad));
			assertThatIllegalArgumentException().isThrownBy(() -> this.cache.incrementFloat(bad, 1.0));
			assertThatIllegalArgumentException().isThrownBy(() -> this.cache.lock(bad, Duration.ofSeconds(1)));
			assertThatIllegalArgumentException().isThrownBy(() -> this.cache.getTtl(bad));
			assertThatIllegalArgumentException().isThrownBy(() -> this.cache.expire(bad, Duration.ofSeconds(1)));
			assertThatIllegalArgumentException().isThrownBy(() -> this.cache.expireAt(bad, Instant.now()));
			assertThatIllegalArgumentException().isThrownBy(() -> this.cache.persist(bad));
			assertThatIllegalArgumentException().isThrownBy(() -> this.cache.touch(bad));
			assertThatIllegalArgumentException().isThrownBy(() -> this.cache.keys(bad));
			assertThatIllegalArgumentException().isThrownBy(() -> this.cache.scan(bad, 10));
			assertThatIllegalArgumentException().isThrownBy(() -> this.cache.deleteByPattern(bad));
			assertThatIllegalArgumentException().isThrownBy(() -> this.cache.rename(bad, "ok"));
			assertThatIllegalArgumentException().isThrownBy(() -> this.cache.rename("ok", bad));
			assertThatIllegalArgumentException().isThrownBy(() -> this.cache.withPrefix(bad));
		}
		assertThat(allKeys()).isEmpty();
	}

	// ---------------------------------------------------------------- batch

	@Test
	void getAll_returnsTypedValues_missingKeysAbsent() {
		this.cache.set("a", value(1));
		this.cache.set("c", value(3));
		Map<String, Object> found = this.cache.getAll(List.of("a", "b", "c"), valueType());
		assertThat(found).containsOnlyKeys("a", "c");
		assertThat(found.get("a")).isEqualTo(value(1));
		assertThat(found.get("c")).isInstanceOf(valueType()).isEqualTo(value(3));
		assertThat(new ArrayList<>(found.keySet())).containsExactly("a", "c");
	}

	@Test
	void getAll_emptyCollection_returnsEmptyMap() {
		assertThat(this.cache.getAll(List.of(), String.class)).isEmpty();
	}

	@Test
	void getAll_genericType_returnsTypedValues() {
		if (!json()) {
			return;
		}
		this.cache.set("list:1", List.of(Person.of(1), Person.of(2)));
		Map<String, List<Person>> found = this.cache.getAll(List.of("list:1"), new ParameterizedTypeReference<>() {
		});
		assertThat(found.get("list:1")).containsExactly(Person.of(1), Person.of(2));
	}

	@Test
	void getAll_corruptValue_throwsNamingItsKey() {
		if (!json()) {
			return;
		}
		this.cache.set("good", Person.of(1));
		rawSet("bad", "not json at all");
		assertThatExceptionOfType(CacheSerializationException.class)
			.isThrownBy(() -> this.cache.getAll(List.of("good", "bad"), Person.class))
			.withMessageContaining("'bad'");
	}

	@Test
	void setAll_storesEveryItemWithTtl() {
		Map<String, Object> items = new LinkedHashMap<>();
		for (int i = 0; i < 50; i++) {
			items.put("batch:" + i, value(i));
		}
		this.cache.setAll(items, Duration.ofSeconds(90));
		Map<String, Object> found = this.cache.getAll(items.keySet(), valueType());
		assertThat(found).hasSize(50).containsEntry("batch:7", value(7));
		assertThat(pttl("batch:49")).isBetween(1L, 90_000L);
	}

	@Test
	void setAll_singleItem_isStored() {
		this.cache.setAll(Map.of("one", value(1)), Duration.ZERO);
		assertThat(this.cache.get("one", valueType())).contains(value(1));
		assertThat(pttl("one")).isGreaterThan(Duration.ofMinutes(59).toMillis());
	}

	@Test
	void setAll_oneUnserializableValue_writesNothing() {
		Map<String, Object> items = new LinkedHashMap<>();
		items.put("a", value(1));
		items.put("b", json() ? new Unwritable() : Person.of(2));
		items.put("c", value(3));
		assertThatExceptionOfType(CacheSerializationException.class)
			.isThrownBy(() -> this.cache.setAll(items, Duration.ZERO))
			.withMessageContaining("'b'");
		assertThat(allKeys()).isEmpty();
	}

	@Test
	void setAll_nullValueOrBadTtl_writesNothing() {
		Map<String, Object> items = new HashMap<>();
		items.put("a", value(1));
		items.put("b", null);
		assertThatIllegalArgumentException().isThrownBy(() -> this.cache.setAll(items, Duration.ZERO))
			.withMessageContaining("'b'");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.cache.setAll(Map.of("a", value(1)), Duration.ofMillis(-1)));
		assertThat(allKeys()).isEmpty();
	}

	@Test
	void deleteAll_returnsHowManyWereRemoved() {
		this.cache.set("a", value(1));
		this.cache.set("b", value(2));
		assertThat(this.cache.deleteAll(List.of("a", "b", "missing"))).isEqualTo(2);
		assertThat(this.cache.exists("a", "b")).isZero();
		assertThat(this.cache.deleteAll(List.of())).isZero();
	}

	// ---------------------------------------------------------------- remember

	@Test
	void remember_miss_loadsStoresAndReturns() {
		AtomicInteger calls = new AtomicInteger();
		Object loaded = this.cache.remember("r", Duration.ofSeconds(60), valueType(), () -> {
			calls.incrementAndGet();
			return valueType().cast(value(1));
		});
		assertThat(loaded).isEqualTo(value(1));
		assertThat(calls).hasValue(1);
		assertThat(this.cache.get("r", valueType())).contains(value(1));
		assertThat(pttl("r")).isBetween(1L, 60_000L);
	}

	@Test
	void remember_hit_returnsCachedValueOfSameTypeWithoutLoading() {
		Object first = this.cache.remember("r", Duration.ZERO, valueType(), () -> valueType().cast(value(1)));
		AtomicInteger calls = new AtomicInteger();
		Object second = this.cache.remember("r", Duration.ZERO, valueType(), () -> {
			calls.incrementAndGet();
			return valueType().cast(value(2));
		});
		assertThat(calls).hasValue(0);
		assertThat(second).isEqualTo(first).isInstanceOf(valueType());
	}

	@Test
	void remember_genericType_isTypedOnMissAndHit() {
		if (!json()) {
			return;
		}
		ParameterizedTypeReference<List<Person>> type = new ParameterizedTypeReference<>() {
		};
		List<Person> miss = this.cache.remember("people", Duration.ZERO, type, () -> List.of(Person.of(1)));
		List<Person> hit = this.cache.remember("people", Duration.ZERO, type, () -> List.of());
		assertThat(hit).isEqualTo(miss).containsExactly(Person.of(1));
		assertThat(hit.get(0)).isInstanceOf(Person.class);
	}

	@Test
	void remember_loaderReturnsNull_storesNothingAndReturnsNull() {
		assertThat(this.cache.remember("r", Duration.ZERO, String.class, () -> null)).isNull();
		assertThat(this.cache.exists("r")).isZero();
	}

	@Test
	void remember_loaderThrowsRuntimeException_propagatesUnchangedAndStoresNothing() {
		IllegalStateException failure = new IllegalStateException("database down");
		assertThatExceptionOfType(IllegalStateException.class)
			.isThrownBy(() -> this.cache.remember("r", Duration.ZERO, String.class, () -> {
				throw failure;
			}))
			.isSameAs(failure);
		assertThat(this.cache.exists("r")).isZero();
	}

	@Test
	void remember_loaderThrowsCheckedException_isWrappedWithCause() {
		Exception failure = new java.io.IOException("disk");
		assertThatExceptionOfType(CacheException.class)
			.isThrownBy(() -> this.cache.remember("r", Duration.ZERO, String.class, () -> {
				throw failure;
			}))
			.withCause(failure);
		assertThat(this.cache.exists("r")).isZero();
	}

	@Test
	void remember_loaderThrowsADataAccessExceptionThatLooksLikeAnOutage_runsOnce_andPropagatesUnchanged() {
		// a loader's own database failing (Spring's QueryTimeoutException, or a resource
		// failure caused by a refused socket) is not a Redis outage: fail-open (on by
		// default) must not run the loader a second time nor swallow its exception
		List<DataAccessException> failures = List.of(new QueryTimeoutException("database query timed out"),
				new DataAccessResourceFailureException("database unreachable", new ConnectException("refused")));
		for (DataAccessException failure : failures) {
			AtomicInteger calls = new AtomicInteger();
			assertThatExceptionOfType(DataAccessException.class)
				.isThrownBy(() -> this.cache.remember("r", Duration.ZERO, String.class, () -> {
					calls.incrementAndGet();
					throw failure;
				}))
				.isSameAs(failure);
			assertThat(calls).as("loader calls of the blocking remember").hasValue(1);
			CompletableFuture<String> async = this.cache.async().remember("r", Duration.ZERO, String.class, () -> {
				calls.incrementAndGet();
				return CompletableFuture.failedFuture(failure);
			});
			assertThatExceptionOfType(CompletionException.class).isThrownBy(async::join)
				.havingCause()
				.isSameAs(failure);
			assertThat(calls).as("loader calls of both").hasValue(2);
			assertThat(this.cache.exists("r")).isZero();
		}
	}

	@Test
	void remember_unserializableResult_throwsAndStoresNothing() {
		assertThatExceptionOfType(CacheSerializationException.class).isThrownBy(() -> this.cache.remember("r",
				Duration.ZERO, Object.class, () -> json() ? new Unwritable() : Person.of(1)));
		assertThat(this.cache.exists("r")).isZero();
	}

	@Test
	void rememberForever_storesWithoutExpiry() {
		this.cache.rememberForever("config", valueType(), () -> valueType().cast(value(1)));
		assertThat(pttl("config")).isEqualTo(-1);
		assertThat(this.cache.rememberForever("config", valueType(), () -> null)).isEqualTo(value(1));
	}

	@Test
	void remember_badArguments_areRejected() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.cache.remember("r", Duration.ofSeconds(-1), String.class, () -> "x"));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.cache.remember("r", Duration.ZERO, (Class<String>) null, () -> "x"));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.cache.remember("r", Duration.ZERO, String.class, null));
		assertThatIllegalArgumentException().isThrownBy(() -> this.cache.rememberForever("r", String.class, null));
	}

	// ---------------------------------------------------------------- pattern deletion

	@Test
	void deleteByPattern_removesOnlyMatchingKeys_andCountsThem() {
		for (int i = 0; i < 5; i++) {
			this.cache.set("session:" + i, value(i));
		}
		this.cache.set("user:1", value(1));
		assertThat(this.cache.deleteByPattern("session:*")).isEqualTo(5);
		assertThat(this.cache.keys("*")).containsExactly("user:1");
		assertThat(this.cache.deleteByPattern("session:*")).isZero();
	}

	@Test
	void deleteByPattern_spanningManyScanPages_removesAll() {
		Map<String, Object> items = new HashMap<>();
		for (int i = 0; i < 2500; i++) {
			items.put("temp:" + i, "x");
		}
		this.cache.setAll(items, Duration.ofMinutes(5));
		this.cache.set("keep", "y");
		assertThat(this.cache.deleteByPattern("temp:*")).isEqualTo(2500);
		assertThat(this.cache.keys("*")).containsExactly("keep");
	}

	@Test
	void flushPrefix_removesEverythingUnderPrefix_orRefusesWithoutPrefix() {
		this.cache.set("a", value(1));
		this.cache.set("b:c", value(2));
		if (prefixed()) {
			assertThat(this.cache.flushPrefix()).isEqualTo(2);
			assertThat(allKeys()).isEmpty();
		}
		else {
			assertThatIllegalStateException().isThrownBy(this.cache::flushPrefix).withMessageContaining("prefix");
			assertThat(allKeys()).hasSize(2);
		}
	}

	// ---------------------------------------------------------------- counters

	@Test
	void counters_incrementAndDecrement() {
		assertThat(this.cache.increment("views")).isEqualTo(1);
		assertThat(this.cache.incrementBy("views", 10)).isEqualTo(11);
		assertThat(this.cache.decrement("views")).isEqualTo(10);
		assertThat(this.cache.decrementBy("views", 5)).isEqualTo(5);
		assertThat(this.cache.decrementBy("views", -5)).isEqualTo(10);
		assertThat(pttl("views")).as("plain counters have no expiry").isEqualTo(-1);
		assertThat(this.cache.get("views", String.class)).contains("10");
	}

	@Test
	void incrementFloat_addsFloatingPointDelta() {
		assertThat(this.cache.incrementFloat("score", 2.5)).isEqualTo(2.5);
		assertThat(this.cache.incrementFloat("score", -0.5)).isEqualTo(2.0);
		assertThatIllegalArgumentException().isThrownBy(() -> this.cache.incrementFloat("score", Double.NaN));
	}

	@Test
	void increment_nonIntegerValue_throwsDataAccessException() {
		this.cache.set("text", "not a number");
		assertThatExceptionOfType(DataAccessException.class).isThrownBy(() -> this.cache.increment("text"));
		assertThat(this.cache.get("text", String.class)).contains("not a number");
	}

	@Test
	void incrementByWithTtl_setsTtlOnlyWhenCounterHasNone() {
		assertThat(this.cache.incrementBy("window", 1, Duration.ofSeconds(60))).isEqualTo(1);
		long first = pttl("window");
		assertThat(first).isBetween(1L, 60_000L);
		assertThat(this.cache.incrementBy("window", 1, Duration.ofHours(2))).isEqualTo(2);
		assertThat(pttl("window")).as("a later increment does not move the window's end").isLessThanOrEqualTo(first);
	}

	// ---------------------------------------------------------------- locks (namespace
	// part)

	@Test
	void lock_isStoredUnderPrefixedKeyWithTokenAndPx_besideItsFencingCounter() {
		String lockKey = redisKey("lock:job:1");
		// the counter takes the whole lock key as its hash tag: the lock key's slot
		String counterKey = lockKey + ":fencing-token{" + lockKey + "}";
		try (var lock = this.cache.lock("lock:job:1", Duration.ofMillis(4500))) {
			assertThat(lock.tryAcquire()).isTrue();
			assertThat(lock.name()).isEqualTo("lock:job:1");
			assertThat(allKeys()).containsExactlyInAnyOrder(lockKey, counterKey);
			assertThat(new String(rawGet("lock:job:1"), StandardCharsets.UTF_8)).hasSizeGreaterThanOrEqualTo(20);
			assertThat(pttl("lock:job:1")).isBetween(1L, 4500L);
			assertThat(new String(this.raw.opsForValue().get(counterKey), StandardCharsets.UTF_8))
				.isEqualTo(Long.toString(lock.fencingToken()));
			assertThat(ClusterSlotHashUtil.calculateSlot(counterKey))
				.isEqualTo(ClusterSlotHashUtil.calculateSlot(lockKey));
		}
		assertThat(allKeys()).as("the counter outlives the lock").containsExactly(counterKey);
		assertThat(CacheTestSupport.pttl(this.raw, counterKey)).as("by at most the lease (issue 26)")
			.isBetween(1L, 4500L);
	}

	@Test
	void withLock_runsActionAndReleases() {
		String result = this.cache.withLock("lock:a", Duration.ofSeconds(5), () -> {
			assertThat(this.cache.exists("lock:a")).isEqualTo(1);
			return "done";
		});
		assertThat(result).isEqualTo("done");
		assertThat(this.cache.exists("lock:a")).isZero();
	}

	// ---------------------------------------------------------------- TTL management

	@Test
	void getTtl_missingKey_isEmpty() {
		assertThat(this.cache.getTtl("missing")).isEmpty();
	}

	@Test
	void expire_setsMillisecondTtl() {
		this.cache.set("k", value(1), Cache.NO_EXPIRY);
		assertThat(this.cache.expire("k", Duration.ofMillis(2500))).isTrue();
		assertThat(pttl("k")).isBetween(1L, 2500L);
		assertThat(this.cache.expire("missing", Duration.ofSeconds(1))).isFalse();
	}

	@Test
	void expire_zeroOrNegative_isRejected() {
		this.cache.set("k", value(1));
		assertThatIllegalArgumentException().isThrownBy(() -> this.cache.expire("k", Duration.ZERO));
		assertThatIllegalArgumentException().isThrownBy(() -> this.cache.expire("k", Duration.ofSeconds(-1)));
		assertThat(this.cache.get("k", valueType())).contains(value(1));
	}

	@Test
	void expireAt_futureInstant_setsExpiry_pastInstant_deletes() {
		this.cache.set("k", value(1), Cache.NO_EXPIRY);
		assertThat(this.cache.expireAt("k", Instant.now().plusSeconds(100))).isTrue();
		assertThat(pttl("k")).isBetween(90_000L, 100_000L);
		assertThat(this.cache.expireAt("k", Instant.now().minusSeconds(1))).isTrue();
		assertThat(this.cache.exists("k")).isZero();
		assertThat(this.cache.expireAt("missing", Instant.now().plusSeconds(5))).isFalse();
	}

	@Test
	void persist_removesExpiry() {
		this.cache.set("k", value(1), Duration.ofSeconds(30));
		assertThat(this.cache.persist("k")).isTrue();
		assertThat(this.cache.getTtl("k")).contains(Cache.NO_EXPIRY);
		assertThat(this.cache.persist("k")).isFalse();
		assertThat(this.cache.persist("missing")).isFalse();
	}

	@Test
	void touch_resetsTtlToDefault_alsoForKeyWithoutExpiry() {
		this.cache.set("k", value(1), Duration.ofSeconds(5));
		assertThat(this.cache.touch("k")).isTrue();
		assertThat(pttl("k")).isGreaterThan(Duration.ofMinutes(59).toMillis());
		this.cache.persist("k");
		assertThat(this.cache.touch("k")).isTrue();
		assertThat(pttl("k")).isGreaterThan(Duration.ofMinutes(59).toMillis());
		assertThat(this.cache.touch("missing")).isFalse();
	}

	// ---------------------------------------------------------------- key management

	@Test
	void keys_returnsMatchingKeysWithoutPrefix() {
		this.cache.set("user:1", value(1));
		this.cache.set("user:2", value(2));
		this.cache.set("order:1", value(3));
		assertThat(this.cache.keys("user:*")).containsExactlyInAnyOrder("user:1", "user:2");
		assertThat(this.cache.keys("nothing:*")).isEmpty();
	}

	@Test
	void scan_streamsKeysWithoutPrefix_lazilyAndCloseable() {
		for (int i = 0; i < 300; i++) {
			this.cache.set("s:" + i, "v");
		}
		try (Stream<String> keys = this.cache.scan("s:*", 50)) {
			assertThat(keys.collect(Collectors.toSet()))
				.isEqualTo(IntStream.range(0, 300).mapToObj((i) -> "s:" + i).collect(Collectors.toSet()));
		}
		try (Stream<String> keys = this.cache.scan("s:*", 10)) {
			assertThat(keys.limit(3).toList()).hasSize(3).allSatisfy((key) -> assertThat(key).startsWith("s:"));
		}
		assertThatIllegalArgumentException().isThrownBy(() -> this.cache.scan("s:*", 0));
	}

	@Test
	void rename_movesValueAndTtl() {
		// one {hash tag}: both keys live in one slot, as RENAME needs on a cluster
		this.cache.set("{order:7}:draft", value(1), Duration.ofSeconds(40));
		this.cache.rename("{order:7}:draft", "{order:7}:final");
		assertThat(this.cache.get("{order:7}:draft", valueType())).isEmpty();
		assertThat(this.cache.get("{order:7}:final", valueType())).contains(value(1));
		assertThat(pttl("{order:7}:final")).isBetween(1L, 40_000L);
	}

	@Test
	void rename_missingKey_throwsDataAccessException() {
		assertThatExceptionOfType(DataAccessException.class)
			.isThrownBy(() -> this.cache.rename("{r}:missing", "{r}:other"));
	}

	@Test
	void rename_acrossHashSlots_worksOnlyWithoutCluster() {
		// hash tags {a} and {b}: slots 15495 and 3300, whatever the prefix
		this.cache.set("{a}:old", value(1), Duration.ofSeconds(40));
		if (cluster()) {
			assertThatExceptionOfType(DataAccessException.class)
				.isThrownBy(() -> this.cache.rename("{a}:old", "{b}:new"))
				.withMessageContaining("hash slot")
				.withMessageContaining("{hash tag}");
			assertThat(this.cache.get("{a}:old", valueType())).contains(value(1));
			assertThat(this.cache.get("{b}:new", valueType())).isEmpty();
		}
		else {
			this.cache.rename("{a}:old", "{b}:new");
			assertThat(this.cache.get("{b}:new", valueType())).contains(value(1));
			assertThat(pttl("{b}:new")).isBetween(1L, 40_000L);
		}
	}

	// ---------------------------------------------------------------- namespaces

	@Test
	void withPrefix_nestsNamespaces() {
		Cache users = this.cache.withPrefix("users");
		assertThat(users.prefix()).isEqualTo(prefixed() ? this.prefix + ":users" : "users");
		assertThat(users.withPrefix("eu").prefix()).isEqualTo(users.prefix() + ":eu");
		users.set("1", value(1));
		assertThat(allKeys()).containsExactly(redisKey("users:1"));
		assertThat(this.cache.get("users:1", valueType())).contains(value(1));
		assertThat(users.keys("*")).containsExactly("1");
	}

	@Test
	void withPrefix_isolatesTenants() {
		Cache tenant1 = this.cache.withPrefix("tenant:1");
		Cache tenant2 = this.cache.withPrefix("tenant:2");
		tenant1.set("setting", "value1");
		tenant2.set("setting", "value2");
		assertThat(tenant1.get("setting", String.class)).contains("value1");
		assertThat(tenant2.get("setting", String.class)).contains("value2");
		assertThat(tenant1.flushPrefix()).isEqualTo(1);
		assertThat(tenant2.get("setting", String.class)).contains("value2");
	}

	@Test
	void prefix_reportsConfiguredPrefix() {
		assertThat(this.cache.prefix()).isEqualTo(this.prefix);
		assertThatIllegalArgumentException().isThrownBy(() -> this.cache.withPrefix(":x"));
	}

	@Test
	void getTypedOptional_isEmptyForMissing() {
		Optional<String> value = this.cache.get("none", new ParameterizedTypeReference<String>() {
		});
		assertThat(value).isEmpty();
	}

}
