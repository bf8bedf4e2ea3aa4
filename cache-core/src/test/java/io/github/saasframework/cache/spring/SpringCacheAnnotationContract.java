package io.github.saasframework.cache.spring;

import java.io.IOException;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import io.github.saasframework.cache.CacheConfig;
import io.github.saasframework.cache.RedisCache;
import io.github.saasframework.cache.RememberPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.cache.Cache;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.CachePut;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.Caching;
import org.springframework.cache.annotation.CachingConfigurer;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.interceptor.CacheErrorHandler;
import org.springframework.cache.interceptor.CacheResolver;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIOException;

/**
 * What Spring Framework's {@code AbstractCacheAnnotationTests} fixture asserts of
 * {@code @Cacheable}, {@code @CachePut}, {@code @CacheEvict} and {@code @Caching} on a
 * cache manager, written anew for the starter's {@link RedisSpringCacheManager} with its
 * resolver and error handler in a plain Spring context ({@code @EnableCaching}), run on a
 * single server and on the test cluster ({@link SpringCacheAnnotationContractTests}).
 * Differences on purpose: a hit is an equal copy, not the same instance; keys are text
 * (an argument without a text form, such as a bare {@code new Object()}, is refused);
 * {@code null} is stored only where cache-nulls is on.
 */
abstract class SpringCacheAnnotationContract {

	private final String prefix = "spring-annotations-" + UUID.randomUUID().toString().substring(0, 8);

	private final RedisCache cache = RedisCache.create(connectionFactory(),
			CacheConfig.builder().keyPrefix(this.prefix).build());

	private final AnnotationConfigApplicationContext context = context();

	private final Service service = this.context.getBean(Service.class);

	private final RedisSpringCacheManager manager = this.context.getBean(RedisSpringCacheManager.class);

	abstract RedisConnectionFactory connectionFactory();

	@AfterEach
	void cleanUp() {
		this.context.close();
		this.cache.flushPrefix();
		this.cache.close();
	}

	private AnnotationConfigApplicationContext context() {
		AnnotationConfigApplicationContext built = new AnnotationConfigApplicationContext();
		RedisSpringCacheManager cacheManager = RedisSpringCacheManager.builder(this.cache)
			.policies((name) -> RememberPolicy.defaultTtl().cacheNulls(name.equals("testCache")))
			.initialCacheNames(List.of("testCache", "primary", "secondary"))
			.build();
		built.registerBean("cacheManager", RedisSpringCacheManager.class, () -> cacheManager);
		built.registerBean(CachingConfigurer.class, () -> new CachingConfigurer() {

			@Override
			public CacheResolver cacheResolver() {
				return cacheManager.cacheResolver();
			}

			@Override
			public CacheErrorHandler errorHandler() {
				return cacheManager.errorHandler();
			}

		});
		built.register(Caching.class);
		built.registerBean(Service.class);
		built.refresh();
		return built;
	}

	private Cache cache(String name) {
		return this.manager.getCache(name);
	}

	private static String key() {
		return UUID.randomUUID().toString();
	}

	@Test
	void cacheable_hitAnswersAnEqualCopy_withoutCallingTheMethod() {
		String key = key();
		Long first = this.service.cache(key);
		assertThat(this.service.cache(key)).isEqualTo(first);
		assertThat(this.service.cache(key)).isEqualTo(first);
		assertThat(this.service.calls()).isEqualTo(1);
	}

	@Test
	void cacheable_null_isCachedWithCacheNulls() {
		String key = key();
		assertThat(cache("testCache").get(key)).isNull();
		assertThat(this.service.cacheNull(key)).isNull();
		assertThat(this.service.cacheNull(key)).isNull();
		assertThat(this.service.nullCalls()).isEqualTo(1);
		assertThat(cache("testCache").get(key)).isNotNull().extracting(Cache.ValueWrapper::get).isNull();
	}

	@Test
	void cacheableSync_hitAndNull() {
		String key = key();
		Long first = this.service.cacheSync(key);
		assertThat(this.service.cacheSync(key)).isEqualTo(first);
		assertThat(this.service.calls()).isEqualTo(1);
		String other = key();
		assertThat(this.service.cacheSyncNull(other)).isNull();
		assertThat(this.service.cacheSyncNull(other)).isNull();
		assertThat(this.service.nullCalls()).isEqualTo(1);
		assertThat(cache("testCache").get(other)).isNotNull().extracting(Cache.ValueWrapper::get).isNull();
	}

	@Test
	void cacheEvict_removesTheEntry_afterTheMethodOnly() {
		Cache cache = cache("testCache");
		String key = key();
		cache.putIfAbsent(key, -1L);
		assertThat(this.service.cache(key)).isEqualTo(-1L);
		this.service.evict(key, "ignored");
		assertThat(cache.get(key)).isNull();
		assertThat(this.service.cache(key)).isNotEqualTo(-1L);
		String kept = key();
		Long value = this.service.cache(kept);
		assertThatExceptionOfType(RuntimeException.class).isThrownBy(() -> this.service.evictWithException(kept));
		assertThat(this.service.cache(kept)).as("the method failed: nothing evicted").isEqualTo(value);
		assertThatExceptionOfType(RuntimeException.class).isThrownBy(() -> this.service.evictEarly(kept));
		assertThat(cache.get(kept)).as("beforeInvocation evicts even when the method fails").isNull();
	}

	@Test
	void cacheEvictAllEntries_emptiesTheCache_alsoBeforeInvocation() {
		Cache cache = cache("testCache");
		String one = key();
		String two = key();
		cache.putIfAbsent(one, -1L);
		cache.putIfAbsent(two, -2L);
		assertThat(this.service.cache(one)).isEqualTo(-1L);
		this.service.evictAll("x");
		assertThat(cache.get(one)).isNull();
		assertThat(cache.get(two)).isNull();
		cache.put(one, -1L);
		assertThatExceptionOfType(RuntimeException.class).isThrownBy(() -> this.service.evictAllEarly("x"));
		assertThat(cache.get(one)).isNull();
	}

	@Test
	void conditionAndUnless_decideWhatIsCached() {
		Long four = this.service.conditional(4);
		assertThat(this.service.conditional(4)).isNotEqualTo(four);
		Long three = this.service.conditional(3);
		assertThat(this.service.conditional(3)).isEqualTo(three);
		Long syncFour = this.service.conditionalSync(4);
		assertThat(this.service.conditionalSync(4)).isNotEqualTo(syncFour);
		this.service.unless(10);
		this.service.unless(11);
		assertThat(cache("testCache").get(10, Long.class)).isEqualTo(10L);
		assertThat(cache("testCache").get(11)).isNull();
	}

	@Test
	void keyExpressions_rootVariablesAndVarArgs() {
		Long first = this.service.key(5, 1);
		assertThat(this.service.key(5, 2)).isEqualTo(first);
		assertThat(this.service.key(1, 5)).isNotEqualTo(this.service.key(2, 5));
		Long varArgs = this.service.varArgsKey(1, 2, 3);
		assertThat(this.service.varArgsKey(1, 2, 3)).isEqualTo(varArgs);
		assertThat(this.service.varArgsKey(1, 2)).isNotEqualTo(varArgs);
		Long named = this.service.name("anything");
		assertThat(this.service.name("other")).isEqualTo(named);
		assertThat(cache("testCache").get("name")).isNotNull();
		this.service.rootVars("x");
		assertThat(cache("testCache").get("rootVarsrootVars" + Service.class)).isNotNull();
	}

	@Test
	void exceptionsOfTheMethod_reachTheCallerUnchanged_syncOrNot() {
		String arg = key();
		assertThatIOException().isThrownBy(() -> this.service.throwChecked(arg)).withMessage(arg);
		assertThatIOException().isThrownBy(() -> this.service.throwCheckedSync(arg)).withMessage(arg);
		assertThatExceptionOfType(UnsupportedOperationException.class)
			.isThrownBy(() -> this.service.throwUnchecked(arg))
			.withMessage(arg);
		assertThatExceptionOfType(UnsupportedOperationException.class)
			.isThrownBy(() -> this.service.throwUncheckedSync(arg))
			.withMessage(arg);
		assertThat(cache("testCache").get(arg)).isNull();
	}

	@Test
	void cachePut_alwaysRunsAndStores_conditionally() {
		String key = key();
		Long first = this.service.update(key);
		assertThat(cache("testCache").get(key, Long.class)).isEqualTo(first);
		assertThat(this.service.update(key)).isNotEqualTo(first);
		assertThat(this.service.conditionalUpdate(1)).isEqualTo(1L);
		assertThat(cache("testCache").get(1)).isNull();
		assertThat(this.service.conditionalUpdate(3)).isEqualTo(3L);
		assertThat(cache("testCache").get(3, Long.class)).isEqualTo(3L);
	}

	@Test
	void caching_severalCaches_putAndEvictTogether() {
		String key = key();
		Long first = this.service.multiCache(key);
		assertThat(cache("primary").get(key, Long.class)).isEqualTo(first);
		assertThat(cache("secondary").get(key, Long.class)).isEqualTo(first);
		assertThat(this.service.multiCache(key)).isEqualTo(first);
		cache("primary").put(key + "A", "A");
		this.service.multiEvict(key);
		assertThat(cache("primary").get(key)).isNull();
		assertThat(cache("secondary").get(key)).isNull();
		assertThat(cache("primary").get(key + "A")).isNull();
		this.service.multiUpdate(7);
		assertThat(cache("primary").get(7, Long.class)).isEqualTo(7L);
		assertThat(cache("secondary").get(7, Long.class)).isEqualTo(7L);
	}

	@Test
	void cachePut_keyFromTheResult_andUnlessBeforeTheKey() {
		Entity entity = new Entity();
		this.service.putRefersToResult(entity);
		assertThat(cache("primary").get(Long.MIN_VALUE, Entity.class)).isEqualTo(entity);
		Entity kept = new Entity();
		kept.setId(42L);
		assertThat(this.service.putEvaluatesUnlessBeforeKey(kept)).isNotNull();
		assertThat(cache("primary").get(42L, Entity.class)).isEqualTo(kept);
		Entity dropped = new Entity();
		dropped.setId(Long.MIN_VALUE + 1);
		assertThat(this.service.putEvaluatesUnlessBeforeKey(dropped)).isNull();
		assertThat(cache("primary").get(Long.MIN_VALUE + 1)).isNull();
	}

	/**
	 * Issue 22: a {@code @Cacheable(sync = true)} method declared to return
	 * {@code Object} failed on its second call when its value was a {@code String}
	 * (stored raw, read as JSON).
	 */
	@Test
	void cacheableSync_declaredAsObject_returningAString_hitsOnItsSecondCall() {
		String key = key();
		assertThat(this.service.untyped(key)).isEqualTo("text for " + key);
		assertThat(this.service.untyped(key)).isEqualTo("text for " + key);
		assertThat(this.service.calls()).isEqualTo(1);
	}

	/** A key without a text form is refused: on purpose, see the class description. */
	@Test
	void keyWithoutTextForm_isRefused() {
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> this.service.cache(new Object()))
			.withMessageContaining("no text form");
	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	static class Caching {

	}

	/** A mutable entity, as Spring's fixture uses. */
	public static class Entity {

		private Long id;

		public Long getId() {
			return this.id;
		}

		public void setId(Long id) {
			this.id = id;
		}

		@Override
		public boolean equals(Object other) {
			return other instanceof Entity entity && java.util.Objects.equals(entity.id, this.id);
		}

		@Override
		public int hashCode() {
			return java.util.Objects.hashCode(this.id);
		}

	}

	public static class Service {

		private final AtomicLong counter = new AtomicLong();

		private final AtomicLong calls = new AtomicLong();

		private final AtomicLong nullCalls = new AtomicLong();

		long calls() {
			return this.calls.get();
		}

		long nullCalls() {
			return this.nullCalls.get();
		}

		private Long next() {
			this.calls.incrementAndGet();
			return this.counter.getAndIncrement();
		}

		@Cacheable("testCache")
		public Long cache(Object key) {
			return next();
		}

		@Cacheable("testCache")
		public Long cacheNull(Object key) {
			this.nullCalls.incrementAndGet();
			return null;
		}

		@Cacheable(cacheNames = "testCache", sync = true)
		public Long cacheSync(Object key) {
			return next();
		}

		@Cacheable(cacheNames = "testCache", sync = true)
		public Long cacheSyncNull(Object key) {
			this.nullCalls.incrementAndGet();
			return null;
		}

		@Cacheable(cacheNames = "testCache", sync = true)
		public Object untyped(String key) {
			this.calls.incrementAndGet();
			return "text for " + key;
		}

		@CacheEvict(cacheNames = "testCache", key = "#p0")
		public void evict(Object key, Object ignored) {
		}

		@CacheEvict("testCache")
		public void evictWithException(Object key) {
			throw new RuntimeException("the method failed: no eviction");
		}

		@CacheEvict(cacheNames = "testCache", beforeInvocation = true)
		public void evictEarly(Object key) {
			throw new RuntimeException("the method failed after the eviction");
		}

		@CacheEvict(cacheNames = "testCache", allEntries = true)
		public void evictAll(Object ignored) {
		}

		@CacheEvict(cacheNames = "testCache", allEntries = true, beforeInvocation = true)
		public void evictAllEarly(Object ignored) {
			throw new RuntimeException("the method failed after the eviction");
		}

		@Cacheable(cacheNames = "testCache", condition = "#p0 == 3")
		public Long conditional(int value) {
			return next();
		}

		@Cacheable(cacheNames = "testCache", sync = true, condition = "#p0 == 3")
		public Long conditionalSync(int value) {
			return next();
		}

		@Cacheable(cacheNames = "testCache", unless = "#result > 10")
		public Long unless(int value) {
			return (long) value;
		}

		@Cacheable(cacheNames = "testCache", key = "#p0")
		public Long key(Object first, Object second) {
			return next();
		}

		@Cacheable("testCache")
		public Long varArgsKey(Object... values) {
			return next();
		}

		@Cacheable(cacheNames = "testCache", key = "#root.methodName")
		public Long name(Object ignored) {
			return next();
		}

		@Cacheable(cacheNames = "testCache", key = "#root.methodName + #root.method.name + #root.targetClass")
		public Long rootVars(Object ignored) {
			return next();
		}

		@Cacheable("testCache")
		public Long throwChecked(Object arg) throws Exception {
			throw new IOException(arg.toString());
		}

		@Cacheable(cacheNames = "testCache", sync = true)
		public Long throwCheckedSync(Object arg) throws Exception {
			throw new IOException(arg.toString());
		}

		@Cacheable("testCache")
		public Long throwUnchecked(Object arg) {
			throw new UnsupportedOperationException(arg.toString());
		}

		@Cacheable(cacheNames = "testCache", sync = true)
		public Long throwUncheckedSync(Object arg) {
			throw new UnsupportedOperationException(arg.toString());
		}

		@CachePut("testCache")
		public Long update(Object key) {
			return next();
		}

		@CachePut(cacheNames = "testCache", condition = "#arg.equals(3)")
		public Long conditionalUpdate(Object arg) {
			return Long.valueOf(arg.toString());
		}

		@org.springframework.cache.annotation.Caching(cacheable = { @Cacheable("primary"), @Cacheable("secondary") })
		public Long multiCache(Object key) {
			return next();
		}

		@org.springframework.cache.annotation.Caching(
				evict = { @CacheEvict("primary"), @CacheEvict(cacheNames = "secondary", key = "#p0"),
						@CacheEvict(cacheNames = "primary", key = "#p0 + 'A'") })
		public Long multiEvict(Object key) {
			return next();
		}

		@org.springframework.cache.annotation.Caching(put = { @CachePut("primary"), @CachePut("secondary") })
		public Long multiUpdate(Object arg) {
			return Long.valueOf(arg.toString());
		}

		@CachePut(cacheNames = "primary", key = "#result.id")
		public Entity putRefersToResult(Entity entity) {
			entity.setId(Long.MIN_VALUE);
			return entity;
		}

		@CachePut(cacheNames = "primary", key = "#result.id", unless = "#result == null")
		public Entity putEvaluatesUnlessBeforeKey(Entity entity) {
			return (entity.getId() != Long.MIN_VALUE + 1) ? entity : null;
		}

	}

}
