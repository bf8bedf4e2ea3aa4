package io.github.saasframework.cache.spring;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.saasframework.cache.CacheConfig;
import io.github.saasframework.cache.CacheMetricsRecorder;
import io.github.saasframework.cache.RedisCache;
import io.github.saasframework.cache.RememberPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.BeanUtils;
import org.springframework.cache.Cache;
import org.springframework.cache.support.NullValue;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What Spring Framework's own cache test fixtures ({@code AbstractCacheTests},
 * {@code AbstractValueAdaptingCacheTests}) assert of a {@link Cache}, written anew for
 * {@code cacheManager.getCache(name)} of the starter's manager and run on a single server
 * and on the test cluster ({@link SpringCacheContractTests}). Where this cache differs on
 * purpose (copies instead of the same instance, numbers read untyped as JSON's natural
 * types, {@code null} stored only with cache-nulls, {@code put(key, null)} without it
 * removing the entry), the test says so and asserts the difference; docs/spring-cache.md
 * lists them with the reasons.
 */
abstract class SpringCacheContract {

	private final String prefix = "spring-contract-" + UUID.randomUUID().toString().substring(0, 8);

	private final AtomicInteger unreadableEntries = new AtomicInteger();

	private final RedisCache cache = RedisCache.create(connectionFactory(),
			CacheConfig.builder().keyPrefix(this.prefix).metricsRecorder(new CacheMetricsRecorder() {

				@Override
				public void recordUnreadableEntry(String prefix) {
					SpringCacheContract.this.unreadableEntries.incrementAndGet();
				}

			}).build());

	private final RedisSpringCacheManager manager = manager();

	abstract RedisConnectionFactory connectionFactory();

	@AfterEach
	void cleanUp() {
		this.cache.flushPrefix();
		this.cache.close();
	}

	private RedisSpringCacheManager manager() {
		RedisSpringCacheManager built = RedisSpringCacheManager.builder(this.cache)
			.policies((name) -> RememberPolicy.defaultTtl().cacheNulls(name.equals("nullable")))
			.initialCacheNames(List.of("items", "nullable"))
			.build();
		built.afterPropertiesSet();
		return built;
	}

	private Cache items() {
		return this.manager.getCache("items");
	}

	private Cache nullable() {
		return this.manager.getCache("nullable");
	}

	private static String key() {
		return UUID.randomUUID().toString();
	}

	@Test
	void getName_isTheCacheName_andTheNativeCacheIsTheLibrarysCacheUnderIt() {
		assertThat(items().getName()).isEqualTo("items");
		assertThat(items().getNativeCache()).isInstanceOfSatisfying(io.github.saasframework.cache.Cache.class,
				(found) -> assertThat(found.prefix()).isEqualTo(this.prefix + ":items"));
		assertThat(this.manager.getCache("items")).isSameAs(items());
	}

	@Test
	void put_thenEveryGet_answersTheValue() {
		Cache cache = items();
		String key = key();
		assertThat(cache.get(key)).isNull();
		assertThat(cache.get(key, String.class)).isNull();
		assertThat(cache.get(key, Object.class)).isNull();
		cache.put(key, "george");
		assertThat(cache.get(key)).isNotNull().extracting(Cache.ValueWrapper::get).isEqualTo("george");
		assertThat(cache.get(key, String.class)).isEqualTo("george");
		assertThat(cache.get(key, Object.class)).isEqualTo("george");
		assertThat(cache.get(key, (Class<Object>) null)).isEqualTo("george");
	}

	@Test
	void putNull_withCacheNulls_isACachedNull_whicheverNullValueInstance() {
		Cache cache = nullable();
		String key = key();
		cache.put(key, "george");
		cache.put(key, null);
		assertThat(cache.get(key)).isNotNull().extracting(Cache.ValueWrapper::get).isNull();
		assertThat(cache.get(key, String.class)).isNull();
		assertThat(cache.get(key, Object.class)).isNull();
		cache.put(key, "george");
		// not the INSTANCE: Spring's fixture makes a new one
		cache.put(key, BeanUtils.instantiateClass(NullValue.class));
		assertThat(cache.get(key)).isNotNull().extracting(Cache.ValueWrapper::get).isNull();
		assertThat(cache.get(key, Object.class)).isNull();
	}

	/**
	 * A deliberate difference: Spring's caches that refuse nulls throw on
	 * {@code put(key, null)}; this one removes the entry, which no longer holds the
	 * method's result.
	 */
	@Test
	void putNull_withoutCacheNulls_removesTheEntry() {
		Cache cache = items();
		String key = key();
		cache.put(key, "george");
		cache.put(key, null);
		assertThat(cache.get(key)).isNull();
		cache.put(key, "george");
		cache.put(key, BeanUtils.instantiateClass(NullValue.class));
		assertThat(cache.get(key)).isNull();
	}

	@Test
	void putIfAbsent_storesOnce_andAnswersWhatIsThere() {
		Cache cache = items();
		String key = key();
		assertThat(cache.putIfAbsent(key, "initialValue")).isNull();
		assertThat(cache.get(key)).extracting(Cache.ValueWrapper::get).isEqualTo("initialValue");
		assertThat(cache.putIfAbsent(key, "anotherValue")).isNotNull()
			.extracting(Cache.ValueWrapper::get)
			.isEqualTo("initialValue");
		assertThat(cache.get(key)).extracting(Cache.ValueWrapper::get).isEqualTo("initialValue");
	}

	@Test
	void evictAndClear_removeEntries_ofThisCacheOnly() {
		Cache cache = items();
		cache.put("enescu", "george");
		cache.put("vlaicu", "aurel");
		nullable().put("enescu", "kept");
		assertThat(cache.evictIfPresent("enescu")).isTrue();
		assertThat(cache.evictIfPresent("enescu")).isFalse();
		assertThat(cache.get("enescu")).isNull();
		cache.put("enescu", "george");
		cache.clear();
		assertThat(cache.get("vlaicu")).isNull();
		assertThat(cache.get("enescu")).isNull();
		assertThat(nullable().get("enescu")).extracting(Cache.ValueWrapper::get).isEqualTo("kept");
		cache.put("enescu", "george");
		assertThat(cache.invalidate()).isTrue();
		assertThat(cache.invalidate()).isFalse();
	}

	@Test
	void getWithLoader_miss_loadsStoresAndAnswers() {
		Cache cache = items();
		String key = key();
		assertThat(cache.get(key, () -> "test")).isEqualTo("test");
		assertThat(cache.get(key)).extracting(Cache.ValueWrapper::get).isEqualTo("test");
	}

	@Test
	void getWithLoader_nullWithCacheNulls_isStoredAsACachedNull() {
		Cache cache = nullable();
		String key = key();
		assertThat(cache.<Object>get(key, () -> null)).isNull();
		assertThat(cache.get(key)).isNotNull().extracting(Cache.ValueWrapper::get).isNull();
	}

	/**
	 * A deliberate difference: without cache-nulls a loaded {@code null} is answered and
	 * not stored (Spring's fixture stores it in a cache that allows nulls).
	 */
	@Test
	void getWithLoader_nullWithoutCacheNulls_isNotStored() {
		Cache cache = items();
		String key = key();
		assertThat(cache.<Object>get(key, () -> null)).isNull();
		assertThat(cache.get(key)).isNull();
	}

	@Test
	void getWithLoader_hit_neverCallsTheLoader_alsoForACachedNull() {
		String key = key();
		items().put(key, "existing");
		assertThat(items().<Object>get(key, () -> {
			throw new IllegalStateException("Should not have been invoked");
		})).isEqualTo("existing");
		nullable().put(key, null);
		assertThat(nullable().<String>get(key, () -> {
			throw new IllegalStateException("Should not have been invoked");
		})).isNull();
	}

	@Test
	void getWithLoader_loaderFails_throwsValueRetrievalExceptionWithTheLoadersException() {
		String key = key();
		assertThatExceptionOfType(Cache.ValueRetrievalException.class).isThrownBy(() -> items().get(key, () -> {
			throw new UnsupportedOperationException("Expected exception");
		})).withCauseExactlyInstanceOf(UnsupportedOperationException.class);
		assertThatExceptionOfType(Cache.ValueRetrievalException.class).isThrownBy(() -> items().get(key, () -> {
			throw new IOException("checked");
		})).withCauseExactlyInstanceOf(IOException.class);
		assertThat(items().get(key)).isNull();
	}

	@Test
	void getWithLoader_concurrentCallers_shareOneLoad() throws InterruptedException {
		Cache cache = items();
		String key = key();
		AtomicInteger counter = new AtomicInteger();
		List<Object> results = new CopyOnWriteArrayList<>();
		CountDownLatch done = new CountDownLatch(10);
		for (int i = 0; i < 10; i++) {
			new Thread(() -> {
				try {
					results.add(cache.get(key, () -> {
						Thread.sleep(50);
						return counter.incrementAndGet();
					}));
				}
				finally {
					done.countDown();
				}
			}).start();
		}
		assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
		assertThat(results).hasSize(10).containsOnly(1);
		assertThat(counter).hasValue(1);
	}

	/**
	 * Issue 22: a {@code String} is stored raw (the wire format), so untyped reads of it
	 * must not parse it as JSON, on every read path.
	 */
	@Test
	void rawString_readsBackUntyped_onEveryReadPath() throws Exception {
		Cache cache = items();
		this.cache.withPrefix("items").set("raw", "plain text, not JSON");
		assertThat(cache.get("raw")).extracting(Cache.ValueWrapper::get).isEqualTo("plain text, not JSON");
		assertThat(cache.get("raw", Object.class)).isEqualTo("plain text, not JSON");
		assertThat(cache.get("raw", () -> "loaded")).isEqualTo("plain text, not JSON");
		assertThat(cache.putIfAbsent("raw", "other")).extracting(Cache.ValueWrapper::get)
			.isEqualTo("plain text, not JSON");
		assertThat(cache.retrieve("raw").get(5, TimeUnit.SECONDS)).isEqualTo("plain text, not JSON");
		assertThat(cache.retrieve("raw", () -> CompletableFuture.completedFuture("loaded")).get(5, TimeUnit.SECONDS))
			.isEqualTo("plain text, not JSON");
	}

	/**
	 * Deliberate differences: values are copies read from Redis (equal, not the same
	 * instance), and untyped reads give JSON's natural types, so a {@code Long} comes
	 * back as an {@code Integer} unless read as {@code Long}.
	 */
	@Test
	void untypedReads_areEqualCopies_withNumbersAsJsonNaturalTypes() {
		Cache cache = items();
		Map<String, Object> map = Map.of("id", 1, "name", "ada");
		cache.put("map", map);
		assertThat(cache.get("map")).extracting(Cache.ValueWrapper::get).isEqualTo(map).isNotSameAs(map);
		cache.put("long", 42L);
		assertThat(cache.get("long")).extracting(Cache.ValueWrapper::get).isEqualTo(42);
		assertThat(cache.get("long", Long.class)).isEqualTo(42L);
	}

	@Test
	void retrieve_missHitAndCachedNull() throws Exception {
		String key = key();
		assertThat(items().retrieve(key).get(5, TimeUnit.SECONDS)).isNull();
		items().put(key, "v");
		assertThat(items().retrieve(key).get(5, TimeUnit.SECONDS)).isEqualTo("v");
		nullable().put(key, null);
		assertThat(nullable().retrieve(key).get(5, TimeUnit.SECONDS)).isInstanceOf(Cache.ValueWrapper.class);
	}

	/**
	 * Issue 22: a failed loader future reached the caller wrapped several times; Spring
	 * propagates the loader's own exception.
	 */
	@Test
	void retrieveWithLoader_loaderFails_failsWithTheLoadersOwnException() {
		String key = key();
		CompletableFuture<String> unchecked = items().retrieve(key,
				() -> CompletableFuture.failedFuture(new UnsupportedOperationException("Expected exception")));
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> unchecked.get(5, TimeUnit.SECONDS))
			.withCauseExactlyInstanceOf(UnsupportedOperationException.class);
		CompletableFuture<String> checked = items().retrieve(key,
				() -> CompletableFuture.failedFuture(new IOException("checked")));
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> checked.get(5, TimeUnit.SECONDS))
			.withCauseExactlyInstanceOf(IOException.class);
		assertThat(items().get(key)).isNull();
	}

	@Test
	void retrieveWithLoader_missLoadsOnce_hitAnswersWithoutLoading() throws Exception {
		String key = key();
		AtomicInteger calls = new AtomicInteger();
		assertThat(items().retrieve(key, () -> CompletableFuture.completedFuture("v" + calls.incrementAndGet()))
			.get(5, TimeUnit.SECONDS)).isEqualTo("v1");
		assertThat(items().retrieve(key, () -> CompletableFuture.completedFuture("v" + calls.incrementAndGet()))
			.get(5, TimeUnit.SECONDS)).isEqualTo("v1");
		assertThat(calls).hasValue(1);
	}

	/**
	 * Issue 22: an entry that cannot be read as the requested type (an older shape of the
	 * class) is a miss on every read path of the Spring cache, replaced by one load, and
	 * counted; the library's direct {@code get} keeps throwing.
	 */
	@Test
	void unreadableEntry_isAMissReplacedByOneLoad() throws Exception {
		RedisSpringCache typed = ((RedisSpringCache) items()).forMethod(
				new io.github.saasframework.cache.internal.ReadBackGuard("test", Book.class, serializer()), false);
		rawSet(this.prefix + ":items:1", "{\"isbn\":\"old\",\"name\":\"old shape\"}");
		assertThat(typed.get("1")).as("lookup").isNull();
		AtomicInteger loads = new AtomicInteger();
		assertThat(typed.get("1", () -> {
			loads.incrementAndGet();
			return new Book(1, "new shape");
		})).isEqualTo(new Book(1, "new shape"));
		assertThat(typed.get("1")).extracting(Cache.ValueWrapper::get).isEqualTo(new Book(1, "new shape"));
		assertThat(loads).hasValue(1);
		rawSet(this.prefix + ":items:2", "{\"isbn\":\"old\"}");
		assertThat(typed.retrieve("2").get(5, TimeUnit.SECONDS)).as("retrieve").isNull();
		assertThat(typed.retrieve("2", () -> CompletableFuture.completedFuture(new Book(2, "new")))
			.get(5, TimeUnit.SECONDS)).isEqualTo(new Book(2, "new"));
		assertThat(typed.get("2", Book.class)).isEqualTo(new Book(2, "new"));
		assertThat(this.unreadableEntries).hasValueGreaterThanOrEqualTo(3);
	}

	private io.github.saasframework.cache.serializer.CacheSerializer serializer() {
		return this.manager.serializer();
	}

	private void rawSet(String key, String value) {
		try (RedisConnection connection = connectionFactory().getConnection()) {
			connection.stringCommands()
				.set(key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8));
		}
	}

	record Book(long id, String title) {
	}

}
