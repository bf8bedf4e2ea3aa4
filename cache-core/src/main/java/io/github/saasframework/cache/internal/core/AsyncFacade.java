package io.github.saasframework.cache.internal.core;

import java.lang.reflect.Type;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import io.github.saasframework.cache.internal.Arguments;
import io.github.saasframework.cache.internal.KeyNamespace;
import io.github.saasframework.cache.internal.TtlPolicy;
import io.github.saasframework.cache.AsyncCache;
import io.github.saasframework.cache.CacheMetricsRecorder;
import io.github.saasframework.cache.RememberPolicy;
import io.github.saasframework.cache.internal.redis.RedisDoor;
import io.github.saasframework.cache.internal.store.ValueStore;
import org.jspecify.annotations.Nullable;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.data.redis.connection.SetCondition;
import org.springframework.util.ClassUtils;

/**
 * The {@link AsyncCache} of a cache's namespace: the same checks as the blocking facade,
 * then the same parts (the door, the read path, remember), whose futures it hands out
 * instead of awaiting them. Failures complete the futures with the
 * {@link org.springframework.dao.DataAccessException}s the blocking API throws, within
 * about the command timeout.
 */
public final class AsyncFacade implements AsyncCache {

	private final CacheCore core;

	private final KeyNamespace namespace;

	private final RedisDoor door;

	private final ValueStore store;

	private final TtlPolicy ttls;

	private final CacheMetricsRecorder recorder;

	/**
	 * The non-blocking face of a namespace.
	 * @param core the root cache's parts
	 * @param namespace the namespace
	 */
	public AsyncFacade(CacheCore core, KeyNamespace namespace) {
		this.core = core;
		this.namespace = namespace;
		this.door = core.door();
		this.store = core.store();
		this.ttls = core.ttls();
		this.recorder = core.config().metricsRecorder();
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> CompletableFuture<Optional<T>> get(String key, Class<T> type) {
		Arguments.requireText(key, "key");
		Arguments.requireNonNull(type, "type");
		// Class.cast rejects boxed values for primitive classes such as int.class
		Class<?> expected = ClassUtils.resolvePrimitiveIfNecessary(type);
		return this.store.getAsync(this.namespace, key, type, (value) -> (value == ValueStore.ABSENT) ? Optional.empty()
				: Optional.ofNullable((T) expected.cast(value)));
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> CompletableFuture<Optional<T>> get(String key, ParameterizedTypeReference<T> type) {
		Arguments.requireText(key, "key");
		Arguments.requireNonNull(type, "type");
		return this.store.getAsync(this.namespace, key, type.getType(),
				(value) -> (value == ValueStore.ABSENT) ? Optional.empty() : Optional.ofNullable((T) value));
	}

	@Override
	public <T> CompletableFuture<Map<String, T>> getAll(Collection<String> keys, Class<T> type) {
		Arguments.requireNonNull(type, "type");
		return getAll(keys, (Type) type);
	}

	@Override
	public <T> CompletableFuture<Map<String, T>> getAll(Collection<String> keys, ParameterizedTypeReference<T> type) {
		Arguments.requireNonNull(type, "type");
		return getAll(keys, type.getType());
	}

	private <T> CompletableFuture<Map<String, T>> getAll(Collection<String> keys, Type type) {
		Arguments.requireNonNull(keys, "keys");
		for (String key : keys) {
			Arguments.requireText(key, "key");
		}
		if (keys.isEmpty()) {
			return CompletableFuture.completedFuture(Map.of());
		}
		return this.store.getAllAsync(this.namespace, keys, type);
	}

	@Override
	public CompletableFuture<Void> set(String key, Object value) {
		return set(key, value, Duration.ZERO);
	}

	@Override
	public CompletableFuture<Void> set(String key, Object value, Duration ttl) {
		Arguments.requireText(key, "key");
		Arguments.requireNonNull(value, "value");
		TtlPolicy.check(ttl, "ttl");
		byte[] bytes = this.core.codec().encode(key, value);
		String prefix = this.namespace.metricsPrefix();
		return translated(this.door.set(this.namespace.rawKey(key), bytes, this.ttls.entryMillis(this.ttls.millis(ttl)),
				SetCondition.upsert()), (reply) -> {
					this.recorder.recordPuts(prefix, 1);
					return null;
				});
	}

	@Override
	public CompletableFuture<Boolean> delete(String key) {
		Arguments.requireText(key, "key");
		String prefix = this.namespace.metricsPrefix();
		return translated(this.door.unlink(this.namespace.rawKey(key)), (removed) -> {
			if (removed > 0) {
				this.recorder.recordEvictions(prefix, removed);
			}
			return removed > 0;
		});
	}

	@Override
	public CompletableFuture<Long> increment(String key, long delta) {
		Arguments.requireText(key, "key");
		return translated(this.door.incrBy(this.namespace.rawKey(key), delta), (value) -> value);
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> CompletableFuture<T> remember(String key, Duration ttl, Class<T> type,
			Supplier<? extends CompletionStage<T>> loader) {
		TtlPolicy.check(ttl, "ttl");
		Arguments.requireNonNull(type, "type");
		return (CompletableFuture<T>) load(key, this.ttls.millis(ttl), RememberPolicy.defaultTtl(), type, loader);
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> CompletableFuture<T> remember(String key, RememberPolicy policy, ParameterizedTypeReference<T> type,
			Supplier<? extends CompletionStage<T>> loader) {
		Arguments.requireNonNull(policy, "policy");
		Arguments.requireNonNull(type, "type");
		return (CompletableFuture<T>) load(key, this.ttls.millis(policy.ttl()), policy, type.getType(), loader);
	}

	@Override
	public String toString() {
		return "AsyncCache[prefix='" + this.namespace.prefix() + "']";
	}

	private <T> CompletableFuture<@Nullable T> load(String key, long ttlMillis, RememberPolicy policy, Type type,
			Supplier<? extends CompletionStage<T>> loader) {
		Arguments.requireText(key, "key");
		Arguments.requireNonNull(loader, "loader");
		policy.requireRefreshBeforeExpiry(this.core.config().defaultTtl());
		return this.core.remembering().rememberAsync(this.namespace, key, ttlMillis, policy, type, loader);
	}

	/** A command's reply mapped on success, its failure translated; bounded in time. */
	private <R, T> CompletableFuture<T> translated(CompletableFuture<R> command,
			java.util.function.Function<R, T> mapper) {
		return this.door.bounded(command).handle((reply, failure) -> {
			if (failure != null) {
				throw new CompletionException(this.door.translate(failure));
			}
			return mapper.apply(reply);
		});
	}

}
