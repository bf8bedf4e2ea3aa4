package io.github.saasframework.cache.spring;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;

import io.github.saasframework.cache.Cache;
import io.github.saasframework.cache.RememberPolicy;
import io.github.saasframework.cache.internal.Arguments;
import io.github.saasframework.cache.internal.core.CacheCore;
import io.github.saasframework.cache.internal.core.CacheInternals;
import io.github.saasframework.cache.serializer.CacheSerializer;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.cache.interceptor.CacheErrorHandler;
import org.springframework.cache.interceptor.CacheResolver;
import org.springframework.cache.support.AbstractCacheManager;

/**
 * The {@code CacheManager} of Spring's cache abstraction on the library's {@link Cache}:
 * the cache named {@code N} is {@code cache.withPrefix(N)} with that name's
 * {@link RememberPolicy} (TTL, null caching, refresh-ahead). The caches named at startup
 * are created then; any other name is created on first use.
 * <p>
 * Give Spring's interceptor the manager's {@link #cacheResolver()} (values typed by the
 * cached method's generic return type) and {@link #errorHandler()} (fail-open on outages
 * only), for example from a {@code CachingConfigurer}; the Spring Boot starter does both.
 * <p>
 * Declared as a bean, the manager checks at startup, once all singletons exist, that the
 * values of every {@code @Cacheable} and {@code @CachePut} method its resolver serves can
 * be read back as the method's return type (the serializer's
 * {@link CacheSerializer#checkReadable checkReadable}); a method whose values cannot is
 * logged at ERROR, naming the method and the type, and runs without the cache instead of
 * storing values no reader can use. Types that only a value can decide (a method declared
 * to return {@code Object}) are checked on the first write of each class of value.
 *
 * @since 0.3.0
 */
public final class RedisSpringCacheManager extends AbstractCacheManager
		implements BeanFactoryAware, SmartInitializingSingleton {

	private final Cache cache;

	private final Function<String, RememberPolicy> policies;

	private final Set<String> initialNames;

	private final BiConsumer<String, String> listener;

	private final ReturnTypeCacheResolver resolver;

	private final FailOpenCacheErrorHandler errorHandler;

	private final CacheCore core;

	private @Nullable ListableBeanFactory beanFactory;

	private RedisSpringCacheManager(Builder builder) {
		this.cache = builder.cache;
		this.core = builder.core;
		this.policies = builder.policies;
		this.initialNames = new LinkedHashSet<>(builder.initialNames);
		this.listener = builder.listener;
		this.resolver = new ReturnTypeCacheResolver(this);
		this.errorHandler = new FailOpenCacheErrorHandler();
	}

	/**
	 * Starts a builder.
	 * @param cache the library's cache (made by {@code RedisCache.create}); each Spring
	 * cache is a {@code withPrefix} namespace of it
	 * @return the builder
	 */
	public static Builder builder(Cache cache) {
		return new Builder(cache);
	}

	/**
	 * The resolver that hands Spring's interceptor this manager's caches typed by the
	 * invoked method's generic return type, so values read back as what the method
	 * returns (or emits, for {@code CompletableFuture} methods).
	 * @return the resolver
	 */
	public CacheResolver cacheResolver() {
		return this.resolver;
	}

	/**
	 * The error handler of this manager's caches: a failed read is a miss (the method
	 * runs) when Redis is unreachable or times out and fail-open is on; a failed write or
	 * eviction is logged (at most every 30 s) and counted as {@code recordFailOpen} when
	 * Redis is unreachable; any other failure (an error reply such as {@code WRONGTYPE}
	 * or {@code NOPERM}) is thrown to the caller, as {@code remember} throws it.
	 * @return the error handler
	 */
	public CacheErrorHandler errorHandler() {
		return this.errorHandler;
	}

	/**
	 * Keeps the bean factory whose cached methods are checked at startup.
	 * @param beanFactory the bean factory
	 */
	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = (beanFactory instanceof ListableBeanFactory listable) ? listable : null;
	}

	/**
	 * Checks, once every singleton exists, that the values of each cached method whose
	 * caches this manager's {@link #cacheResolver()} resolves can be read back; logs a
	 * method that cannot at ERROR (it then runs without the cache).
	 */
	@Override
	public void afterSingletonsInstantiated() {
		if (this.beanFactory != null) {
			CachedMethods.check(this.beanFactory, this.resolver);
		}
	}

	/** The serializer of the caches' values. */
	CacheSerializer serializer() {
		return this.core.config().serializer();
	}

	/** How long a refresh-ahead reload waits for a method's future: the load lease. */
	Duration reloadWait() {
		return this.core.config().remember().loadLease();
	}

	@Override
	protected Collection<RedisSpringCache> loadCaches() {
		List<RedisSpringCache> caches = new ArrayList<>(this.initialNames.size());
		for (String name : this.initialNames) {
			caches.add(create(name));
		}
		return caches;
	}

	@Override
	protected org.springframework.cache.Cache getMissingCache(String name) {
		return create(name);
	}

	private RedisSpringCache create(String name) {
		// the listener first: the meters of the cache's prefix are then its own
		this.listener.accept(name, this.cache.prefix().isEmpty() ? name : this.cache.prefix() + ":" + name);
		Cache store = this.cache.withPrefix(name);
		RememberPolicy policy = this.policies.apply(name);
		CacheCore core = CacheInternals.core(store);
		if (core != null) {
			policy.requireRefreshBeforeExpiry(core.config().defaultTtl());
		}
		return new RedisSpringCache(name, store, policy);
	}

	/**
	 * Builds a {@link RedisSpringCacheManager}. Not thread-safe.
	 */
	public static final class Builder {

		private final Cache cache;

		private final CacheCore core;

		private Function<String, RememberPolicy> policies = (name) -> RememberPolicy.defaultTtl();

		private Collection<String> initialNames = List.of();

		private BiConsumer<String, String> listener = (name, prefix) -> {
		};

		private Builder(Cache cache) {
			this.cache = Arguments.requireNonNull(cache, "cache");
			CacheCore found = CacheInternals.core(cache);
			if (found == null) {
				throw new IllegalArgumentException(
						"RedisSpringCacheManager needs a cache made by RedisCache.create, not a "
								+ cache.getClass().getName());
			}
			this.core = found;
		}

		/**
		 * Sets the settings of each named cache.
		 * @param policies the policy of a cache name
		 * @return this builder
		 */
		public Builder policies(Function<String, RememberPolicy> policies) {
			this.policies = Arguments.requireNonNull(policies, "policies");
			return this;
		}

		/**
		 * Sets the caches created at startup.
		 * @param names the cache names
		 * @return this builder
		 */
		public Builder initialCacheNames(Collection<String> names) {
			this.initialNames = List.copyOf(Arguments.requireNonNull(names, "names"));
			return this;
		}

		/**
		 * Sets what hears of every cache the manager creates, with the cache's full key
		 * prefix (before the cache is used).
		 * @param listener called with the cache name and its prefix
		 * @return this builder
		 */
		public Builder cacheCreatedListener(BiConsumer<String, String> listener) {
			this.listener = Arguments.requireNonNull(listener, "listener");
			return this;
		}

		/**
		 * Builds the manager (Spring initializes it as a bean, or call
		 * {@code afterPropertiesSet()}).
		 * @return the manager
		 */
		public RedisSpringCacheManager build() {
			return new RedisSpringCacheManager(this);
		}

	}

}
