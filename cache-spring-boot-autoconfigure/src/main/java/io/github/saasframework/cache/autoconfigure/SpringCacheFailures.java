package io.github.saasframework.cache.autoconfigure;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.github.saasframework.cache.CacheMetricsRecorder;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.dao.InvalidDataAccessApiUsageException;

/**
 * What the caches of Spring's cache abstraction do when Redis fails: a failed read is a
 * miss when fail-open is on (else it is thrown); a failed write or eviction is never
 * thrown. Both are counted ({@code cache.fail.open}) and logged at most every 30 s.
 */
final class SpringCacheFailures {

	private static final Log logger = LogFactory.getLog(RedisSpringCache.class);

	private static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(30);

	private final boolean failOpen;

	private final CacheMetricsRecorder recorder;

	private final AtomicLong lastLog = new AtomicLong(System.nanoTime() - LOG_INTERVAL_NANOS);

	SpringCacheFailures(boolean failOpen, CacheMetricsRecorder recorder) {
		this.failOpen = failOpen;
		this.recorder = recorder;
	}

	/** A read failed: returns (the caller treats it as a miss) or rethrows. */
	void readFailed(String prefix, String key, DataAccessException failure) {
		// a command Redis rejected (WRONGTYPE, say) is a bug to report, not an outage
		if (!this.failOpen || failure instanceof InvalidDataAccessApiUsageException) {
			throw failure;
		}
		note(prefix, "get", key, failure, "answering from the method without the cache (fail-open)");
	}

	/** A put, evict or clear failed: logged and counted, never thrown. */
	void writeFailed(String prefix, String operation, String key, DataAccessException failure) {
		note(prefix, operation, key, failure, "the caller goes on without it");
	}

	private void note(String prefix, String operation, String key, DataAccessException failure, String outcome) {
		this.recorder.recordFailOpen(prefix, failure);
		long now = System.nanoTime();
		long last = this.lastLog.get();
		if (now - last >= LOG_INTERVAL_NANOS && this.lastLog.compareAndSet(last, now)) {
			logger
				.warn("Redis failed during " + operation + " of key '" + key + "' (prefix '" + prefix + "'); " + outcome
						+ ". Further failures are counted (cache.fail.open) and logged at most every 30 s: " + failure);
		}
	}

}
