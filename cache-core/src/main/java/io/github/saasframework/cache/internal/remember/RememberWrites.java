package io.github.saasframework.cache.internal.remember;

import java.util.concurrent.CompletableFuture;

import io.github.saasframework.cache.CacheConfig;
import io.github.saasframework.cache.CacheMetricsRecorder;
import io.github.saasframework.cache.RememberPolicy;
import io.github.saasframework.cache.internal.KeyNamespace;
import io.github.saasframework.cache.internal.TtlPolicy;
import io.github.saasframework.cache.internal.ValueCodec;
import io.github.saasframework.cache.internal.redis.RedisDoor;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.SetCondition;

/**
 * What {@code remember} writes, for both of its faces: a loaded value with a fresh,
 * jittered TTL (unless the policy's veto says no), or the null marker with the null TTL
 * when nulls are cached.
 */
final class RememberWrites {

	private final RedisDoor door;

	private final ValueCodec codec;

	private final TtlPolicy ttls;

	private final CacheMetricsRecorder recorder;

	private final boolean cacheNulls;

	private final long nullTtlMillis;

	RememberWrites(RedisDoor door, ValueCodec codec, TtlPolicy ttls, CacheConfig config) {
		this.door = door;
		this.codec = codec;
		this.ttls = ttls;
		this.recorder = config.metricsRecorder();
		this.cacheNulls = config.remember().cacheNulls();
		this.nullTtlMillis = TtlPolicy.toMillis(config.remember().nullTtl());
	}

	/**
	 * Whether a policy stores {@code null} results: its own setting, else the cache's.
	 */
	boolean cacheNulls(RememberPolicy policy) {
		Boolean perCall = policy.cacheNulls();
		return (perCall != null) ? perCall : this.cacheNulls;
	}

	/**
	 * Writes a loaded result (or the null marker) with a fresh TTL.
	 * @return whether anything was written; fails as the write does
	 */
	CompletableFuture<Boolean> write(KeyNamespace namespace, String key, byte[] raw, long ttlMillis,
			RememberPolicy policy, @Nullable Object result) {
		byte[] bytes;
		long millis;
		if (result != null) {
			if (!policy.mayStore(result)) {
				return CompletableFuture.completedFuture(false);
			}
			bytes = this.codec.encode(key, result);
			millis = entryMillis(ttlMillis, policy);
		}
		else if (cacheNulls(policy)) {
			bytes = ValueCodec.nullMarker();
			millis = this.nullTtlMillis;
		}
		else {
			return CompletableFuture.completedFuture(false);
		}
		return this.door.set(raw, bytes, millis, SetCondition.upsert()).thenApply((reply) -> {
			if (result != null) {
				this.recorder.recordPuts(namespace.metricsPrefix(), 1);
			}
			return true;
		});
	}

	/** Stores the null marker (a cached {@code null}) with the null TTL. */
	boolean storeNullMarker(byte[] raw, boolean ifAbsent) {
		return RedisDoor.isWritten(this.door.await(this.door.set(raw, ValueCodec.nullMarker(), this.nullTtlMillis,
				ifAbsent ? SetCondition.ifAbsent() : SetCondition.upsert())));
	}

	/**
	 * The TTL to write with: jittered, but with refresh-ahead the cut stays under half of
	 * {@code refreshAfter}, since the age of an entry is read as if it had the full TTL
	 * and a larger cut would make a fresh entry look stale.
	 */
	private long entryMillis(long ttlMillis, RememberPolicy policy) {
		long millis = this.ttls.entryMillis(ttlMillis);
		long refreshMillis = TtlPolicy.toMillis(policy.refreshAfter());
		if (refreshMillis > 0 && millis != TtlPolicy.PERSISTENT) {
			millis = Math.max(millis, ttlMillis - refreshMillis / 2);
		}
		return millis;
	}

}
