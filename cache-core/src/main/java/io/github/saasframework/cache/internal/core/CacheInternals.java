package io.github.saasframework.cache.internal.core;

import io.github.saasframework.cache.internal.KeyNamespace;
import io.github.saasframework.cache.Cache;
import org.jspecify.annotations.Nullable;

/**
 * Reaches the parts behind a {@code RedisCache} from the library's own code in other
 * packages (the Spring cache bridge) without widening the public {@link Cache} API: the
 * "shared secrets" pattern of the JDK. {@code RedisCache} registers its accessor when its
 * class is initialized, which happens before any of its instances exists.
 */
public final class CacheInternals {

	private static volatile @Nullable Access access;

	private CacheInternals() {
	}

	/**
	 * Registers the accessor; called once by {@code RedisCache}.
	 * @param accessor the accessor
	 */
	public static void register(Access accessor) {
		access = accessor;
	}

	/**
	 * The core of a cache made by {@code RedisCache}.
	 * @param cache any cache
	 * @return its core, or {@code null} when it is not a {@code RedisCache}
	 */
	public static @Nullable CacheCore core(Cache cache) {
		Access current = access;
		return (current != null) ? current.core(cache) : null;
	}

	/**
	 * The namespace of a cache made by {@code RedisCache}.
	 * @param cache any cache
	 * @return its namespace, or {@code null} when it is not a {@code RedisCache}
	 */
	public static @Nullable KeyNamespace namespace(Cache cache) {
		Access current = access;
		return (current != null) ? current.namespace(cache) : null;
	}

	/** What {@code RedisCache} hands out. */
	public interface Access {

		/**
		 * The core of a cache.
		 * @param cache the cache
		 * @return its core, or {@code null}
		 */
		@Nullable CacheCore core(Cache cache);

		/**
		 * The namespace of a cache.
		 * @param cache the cache
		 * @return its namespace, or {@code null}
		 */
		@Nullable KeyNamespace namespace(Cache cache);

	}

}
