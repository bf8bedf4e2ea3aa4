package io.github.saasframework.cache.interceptor;

import java.lang.reflect.Type;

import io.github.saasframework.cache.Cache;
import io.github.saasframework.cache.CacheMetricsRecorder;
import io.github.saasframework.cache.RememberPolicy;
import io.github.saasframework.cache.internal.KeyNamespace;
import io.github.saasframework.cache.internal.ReadBackGuard;
import io.github.saasframework.cache.internal.core.CacheCore;
import io.github.saasframework.cache.internal.core.CacheInternals;
import org.jspecify.annotations.Nullable;

/**
 * What keeps one {@code @Remember} method from storing values that cannot be read back as
 * its value type: the method's {@link ReadBackGuard} on the {@code Cache} bean's
 * serializer, made on first use (at startup by
 * {@link CacheAnnotationAdvisors#readBackCheck}, else on the method's first call), and
 * the method's policy with the guard's veto. Nothing for a {@code Cache} of the
 * application's own that is not a {@code RedisCache}. Thread-safe.
 */
final class RememberReadBack {

	private final String method;

	private final Type valueType;

	private volatile @Nullable Guarded guarded;

	RememberReadBack(String method, Type valueType) {
		this.method = method;
		this.valueType = valueType;
	}

	/**
	 * The guard of the method on this cache, or {@code null} when the cache is not a
	 * {@code RedisCache}.
	 */
	@Nullable Guarded on(Cache cache, RememberPolicy policy) {
		Guarded found = this.guarded;
		if (found == null || found.cache != cache) {
			CacheCore core = CacheInternals.core(cache);
			KeyNamespace namespace = CacheInternals.namespace(cache);
			if (core == null || namespace == null) {
				return null;
			}
			found = new Guarded(cache, new ReadBackGuard(this.method, this.valueType, core.config().serializer()),
					core.config().metricsRecorder(), namespace.metricsPrefix(), policy);
			this.guarded = found;
		}
		return found;
	}

	/** The guard of a method on one cache, with what counts a call that runs uncached. */
	static final class Guarded {

		private final Cache cache;

		final ReadBackGuard guard;

		private final CacheMetricsRecorder recorder;

		private final String prefix;

		/** The method's policy with the guard's veto (for a method without unless). */
		final RememberPolicy policy;

		Guarded(Cache cache, ReadBackGuard guard, CacheMetricsRecorder recorder, String prefix, RememberPolicy policy) {
			this.cache = cache;
			this.guard = guard;
			this.recorder = recorder;
			this.prefix = prefix;
			this.policy = policy.unless(this::refuses);
		}

		/** Whether a value must not be stored (counted when so). */
		boolean refuses(Object value) {
			if (this.guard.mayStore(value)) {
				return false;
			}
			uncached();
			return true;
		}

		/** Counts a call that ran without the cache. */
		void uncached() {
			this.recorder.recordUnreadableValue(this.prefix);
		}

	}

}
