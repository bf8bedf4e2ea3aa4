package io.github.saasframework.cache.autoconfigure;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import io.github.saasframework.cache.Cache;
import io.github.saasframework.cache.RememberPolicy;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.cache.support.AbstractCacheManager;

/**
 * The {@code CacheManager} of Spring's cache abstraction on the library's {@link Cache}:
 * the cache named {@code N} is {@code cache.withPrefix(N)} with the settings of
 * {@code app.cache.caches.N.*}. The caches named at startup
 * ({@code spring.cache.cache-names} and {@code app.cache.caches.*}) are created then; any
 * other name is created on first use.
 */
final class RedisSpringCacheManager extends AbstractCacheManager implements DisposableBean {

	private final Cache cache;

	private final Function<String, RememberPolicy> policies;

	private final Set<String> initialNames;

	private final SpringCacheFailures failures;

	private final ExecutorService loadExecutor;

	private final CacheNameListener listener;

	RedisSpringCacheManager(Cache cache, Function<String, RememberPolicy> policies, Collection<String> initialNames,
			SpringCacheFailures failures, CacheNameListener listener) {
		this.cache = cache;
		this.policies = policies;
		this.initialNames = new LinkedHashSet<>(initialNames);
		this.failures = failures;
		this.listener = listener;
		this.loadExecutor = Executors.newCachedThreadPool(new LoadThreads());
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
		this.listener.cacheCreated(name, this.cache.prefix().isEmpty() ? name : this.cache.prefix() + ":" + name);
		Cache store = this.cache.withPrefix(name);
		return new RedisSpringCache(name, store, this.policies.apply(name), this.failures, this.loadExecutor);
	}

	@Override
	public void destroy() {
		this.loadExecutor.shutdownNow();
	}

	/** Told about every cache the manager creates (for the meters' cache tag). */
	@FunctionalInterface
	interface CacheNameListener {

		CacheNameListener NONE = (name, prefix) -> {
		};

		void cacheCreated(String name, String prefix);

	}

	/** Daemon threads for the loads of {@code CompletableFuture} methods. */
	private static final class LoadThreads implements ThreadFactory {

		private final AtomicInteger count = new AtomicInteger();

		@Override
		public Thread newThread(Runnable task) {
			Thread thread = new Thread(task, "spring-cache-load-" + this.count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		}

	}

}
