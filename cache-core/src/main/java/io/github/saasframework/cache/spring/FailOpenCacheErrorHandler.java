package io.github.saasframework.cache.spring;

import io.github.saasframework.cache.internal.Arguments;
import io.github.saasframework.cache.internal.ThrottledLog;
import io.github.saasframework.cache.internal.redis.Outages;
import org.jspecify.annotations.Nullable;

import org.springframework.cache.Cache;
import org.springframework.cache.interceptor.CacheErrorHandler;

/**
 * The error handler of the {@link RedisSpringCacheManager}'s caches, on the library's one
 * fault policy ({@link Outages}): only an outage (Redis unreachable, timed out,
 * restarting, failing over) may be answered without the cache. A read that failed on an
 * outage is a miss when the cache fails open, so the method runs; a write, eviction or
 * clear that failed on an outage is skipped. Both are counted ({@code recordFailOpen})
 * and logged at most every 30 seconds. Every other failure (an error reply such as
 * {@code WRONGTYPE}, {@code NOPERM} or {@code OOM}) is thrown to the caller, as
 * {@code remember} throws it: it is a bug or a configuration problem, not something to
 * hide by running the method on every call. So is the method's own failure, which Spring
 * passes here for {@code sync = true} methods returning a future or a {@code Mono} (a
 * {@code QueryTimeoutException} of the method's database is not a Redis outage). Caches
 * of other managers get Spring's default behaviour (thrown).
 */
final class FailOpenCacheErrorHandler implements CacheErrorHandler {

	private final ThrottledLog log = new ThrottledLog(FailOpenCacheErrorHandler.class);

	@Override
	public void handleCacheGetError(RuntimeException exception, Cache cache, Object key) {
		RedisSpringCache redis = (cache instanceof RedisSpringCache found) ? found : null;
		if (redis == null || !redis.failsOpen() || redis.isLoaderFailure(exception) || !Outages.isOutage(exception)) {
			throw exception;
		}
		note(redis, "get", key, exception, "answering from the method without the cache (fail-open)");
	}

	@Override
	public void handleCachePutError(RuntimeException exception, Cache cache, Object key, @Nullable Object value) {
		skipOnOutage(cache, "put", key, exception);
	}

	@Override
	public void handleCacheEvictError(RuntimeException exception, Cache cache, Object key) {
		skipOnOutage(cache, "evict", key, exception);
	}

	@Override
	public void handleCacheClearError(RuntimeException exception, Cache cache) {
		skipOnOutage(cache, "clear", "*", exception);
	}

	private void skipOnOutage(Cache cache, String operation, Object key, RuntimeException exception) {
		if (!(cache instanceof RedisSpringCache redis) || !Outages.isOutage(exception)) {
			throw exception;
		}
		note(redis, operation, key, exception, "the caller goes on without it");
	}

	private void note(RedisSpringCache cache, String operation, Object key, RuntimeException failure, String outcome) {
		cache.core().config().metricsRecorder().recordFailOpen(cache.metricsPrefix(), failure);
		this.log.warn(() -> "Redis failed during " + operation + " of key " + Arguments.quote(String.valueOf(key))
				+ " in cache '" + cache.getName() + "'; " + outcome + ". Reason: " + Outages.describe(failure));
	}

}
