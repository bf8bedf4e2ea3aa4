package io.github.saasframework.cache.internal.core;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;

import io.github.saasframework.cache.internal.TtlPolicy;
import io.github.saasframework.cache.internal.ValueCodec;
import io.github.saasframework.cache.internal.CacheResources;
import io.github.saasframework.cache.internal.DaemonThreads;
import io.github.saasframework.cache.CacheConfig;
import io.github.saasframework.cache.internal.keys.KeyScanner;
import io.github.saasframework.cache.internal.lock.Locks;
import io.github.saasframework.cache.internal.near.NearCachedStore;
import io.github.saasframework.cache.internal.redis.RedisDoor;
import io.github.saasframework.cache.internal.redis.WriteListener;
import io.github.saasframework.cache.internal.remember.RefreshAhead;
import io.github.saasframework.cache.internal.remember.Remembering;
import io.github.saasframework.cache.internal.store.ValueStore;

import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * What a root cache owns and its {@code withPrefix} children share, built once from the
 * configuration, each part given what it needs at construction: the door, the one read
 * path (Redis only or near-cached, chosen here), remember and refresh-ahead, the locks
 * and the key walks. Everything that owns a thread, an executor or a connection is
 * registered in {@link #resources()} and closed with the root cache.
 */
public final class CacheCore implements AutoCloseable {

	private final CacheConfig config;

	private final RedisDoor door;

	private final ValueStore store;

	private final ValueCodec codec;

	private final TtlPolicy ttls;

	private final Remembering remembering;

	private final Locks locks;

	private final KeyScanner keys;

	/** Where the loaders of the non-blocking API run: never on a Lettuce I/O thread. */
	private final ExecutorService loaders;

	private final CacheResources resources = new CacheResources();

	/** Prefixes of withPrefix children that record metrics under their own prefix. */
	private final Set<String> ownMetricsPrefixes = ConcurrentHashMap.newKeySet();

	private CacheCore(RedisConnectionFactory factory, CacheConfig config) {
		this.config = config;
		this.codec = new ValueCodec(config.serializer(), config.maxValueBytes());
		this.ttls = new TtlPolicy(config.defaultTtl(), config.ttlJitter());
		CacheConfig.NearCache near = config.nearCache();
		if (near.enabled()) {
			NearCachedStore nearCached = NearCachedStore.start(factory, config.keyPrefix(), near.maxEntries(),
					near.maxAge(), config.commandTimeout(), this.codec, config.metricsRecorder(), config.observer());
			this.door = this.resources.register(nearCached.door());
			this.store = this.resources.register(nearCached);
		}
		else {
			this.door = this.resources.register(new RedisDoor(factory, WriteListener.NONE, config.commandTimeout()));
			this.store = ValueStore.redisOnly(this.door, this.codec, config.metricsRecorder(), config.observer());
		}
		RefreshAhead refreshAhead = this.resources.register(new RefreshAhead(config.metricsRecorder()));
		this.loaders = DaemonThreads.cachedPool("cache-loader");
		this.resources.register(DaemonThreads.closing(this.loaders));
		this.remembering = new Remembering(this.door, this.store, this.ttls, config, refreshAhead, this.loaders);
		this.locks = new Locks(this.door, this.resources, config);
		this.keys = new KeyScanner(this.door);
	}

	/**
	 * Builds the parts of a root cache.
	 * @param factory the connection factory (Lettuce's)
	 * @param config the configuration
	 * @return the core
	 */
	public static CacheCore start(RedisConnectionFactory factory, CacheConfig config) {
		return new CacheCore(factory, config);
	}

	/**
	 * The configuration.
	 * @return the configuration
	 */
	public CacheConfig config() {
		return this.config;
	}

	/**
	 * The door every command goes through.
	 * @return the door
	 */
	public RedisDoor door() {
		return this.door;
	}

	/**
	 * The one read path.
	 * @return the store
	 */
	public ValueStore store() {
		return this.store;
	}

	/**
	 * The value codec.
	 * @return the codec
	 */
	public ValueCodec codec() {
		return this.codec;
	}

	/**
	 * The TTL rules.
	 * @return the TTL policy
	 */
	public TtlPolicy ttls() {
		return this.ttls;
	}

	/**
	 * Cache-or-compute.
	 * @return the remember path
	 */
	public Remembering remembering() {
		return this.remembering;
	}

	/**
	 * The locks.
	 * @return the lock door
	 */
	public Locks locks() {
		return this.locks;
	}

	/**
	 * The key walks.
	 * @return the key scanner
	 */
	public KeyScanner keys() {
		return this.keys;
	}

	/**
	 * Where the loaders of the non-blocking API are called.
	 * @return the executor
	 */
	public Executor loaders() {
		return this.loaders;
	}

	/**
	 * What the root cache closes.
	 * @return the resources
	 */
	public CacheResources resources() {
		return this.resources;
	}

	/**
	 * Whether a child namespace records metrics under its own prefix: when the recorder
	 * asks for it, or while fewer than {@code prefixMetricsLimit} namespaces do.
	 * @param childPrefix the child's full prefix
	 * @return {@code true} for its own meters
	 */
	public boolean ownMetrics(String childPrefix) {
		if (this.config.metricsRecorder().recordsOnItsOwn(childPrefix)) {
			return true;
		}
		int limit = this.config.prefixMetricsLimit();
		if (limit == 0) {
			return false;
		}
		if (this.ownMetricsPrefixes.contains(childPrefix)) {
			return true;
		}
		if (this.ownMetricsPrefixes.size() >= limit) {
			return false;
		}
		this.ownMetricsPrefixes.add(childPrefix);
		return true;
	}

	@Override
	public void close() {
		this.resources.close();
	}

}
