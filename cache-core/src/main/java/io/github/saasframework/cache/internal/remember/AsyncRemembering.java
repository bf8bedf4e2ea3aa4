package io.github.saasframework.cache.internal.remember;

import java.lang.reflect.Type;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

import io.github.saasframework.cache.CacheException;
import io.github.saasframework.cache.CacheObserver;
import io.github.saasframework.cache.RememberPolicy;
import io.github.saasframework.cache.internal.Arguments;
import io.github.saasframework.cache.internal.KeyNamespace;
import io.github.saasframework.cache.internal.TtlPolicy;
import io.github.saasframework.cache.internal.redis.RedisDoor;
import io.github.saasframework.cache.serializer.CacheSerializationException;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.SetCondition;

/**
 * {@code remember} without blocking a thread: the same steps as {@link Remembering} (one
 * load per key in this process through the same in-flight futures, the same load lease
 * across processes, fail-open, null markers, refresh-ahead), each a future. The loader is
 * called on the cache's loader executor, never on a Lettuce I/O thread, and its stage is
 * composed on, not awaited; waiting for another process's load polls on a timer.
 */
final class AsyncRemembering {

	/** What {@code stored()} answers for a key that holds nothing. */
	private static final Object NOTHING = new Object();

	private final Remembering remembering;

	private final RedisDoor door;

	private final Executor loaders;

	AsyncRemembering(Remembering remembering, RedisDoor door, Executor loaders) {
		this.remembering = remembering;
		this.door = door;
		this.loaders = loaders;
	}

	<T> CompletableFuture<@Nullable T> remember(KeyNamespace namespace, String key, long ttlMillis,
			RememberPolicy policy, Type type, Supplier<? extends CompletionStage<T>> loader) {
		CacheObserver.Observed observed = this.remembering.observer()
			.start(CacheObserver.Operation.REMEMBER, namespace.metricsPrefix());
		long refreshMillis = TtlPolicy.toMillis(policy.refreshAfter());
		CompletableFuture<@Nullable T> result;
		try {
			result = this.remembering.store().findAsync(namespace, key, refreshMillis > 0).handle((found, failure) -> {
				if (failure != null) {
					observed.result(CacheObserver.Result.MISS);
					Throwable cause = unwrap(failure);
					if (!this.remembering.canFailOpen(cause)) {
						throw new CompletionException(cause);
					}
					this.remembering.noteFailOpen(namespace, key, cause);
					return shared(namespace, key, type, () -> call(namespace, key, loader));
				}
				if (found == null) {
					observed.result(CacheObserver.Result.MISS);
					Miss<T> miss = new Miss<>(namespace, key, ttlMillis, policy, type, loader, false);
					return shared(namespace, key, type, miss::load);
				}
				observed.result(CacheObserver.Result.HIT);
				T value;
				try {
					value = cast(found.value(key, type, this.remembering.codec()));
				}
				catch (CacheSerializationException ex) {
					this.remembering.noteUnreadable(namespace, key, ex);
					Miss<T> miss = new Miss<>(namespace, key, ttlMillis, policy, type, loader, true);
					return shared(namespace, key, type, miss::load);
				}
				this.remembering.refreshIfStale(namespace, key, found, ttlMillis, policy,
						() -> Remembering.awaitStage(loader.get(), key));
				return CompletableFuture.completedFuture(value);
			}).thenCompose(Function.identity());
		}
		catch (RuntimeException ex) {
			result = CompletableFuture.failedFuture(ex);
		}
		return result.whenComplete((value, failure) -> {
			if (failure != null) {
				observed.error(unwrap(failure));
			}
			observed.stop();
		});
	}

	@SuppressWarnings("unchecked")
	private static <T> @Nullable T cast(@Nullable Object value) {
		return (T) value;
	}

	/** One load per key and type in this process, shared with blocking callers. */
	@SuppressWarnings("unchecked")
	private <T> CompletableFuture<@Nullable T> shared(KeyNamespace namespace, String key, Type type,
			Supplier<CompletableFuture<@Nullable T>> load) {
		CompletableFuture<@Nullable Object> flight = this.remembering.join(namespace, key, type, (mine) -> {
			load.get().whenComplete((value, failure) -> {
				if (failure != null) {
					mine.completeExceptionally(unwrap(failure));
				}
				else {
					mine.complete(value);
				}
			});
			return null;
		});
		return (CompletableFuture<@Nullable T>) (CompletableFuture<?>) flight;
	}

	/** Calls the loader on the loader executor and composes on its stage. */
	private <T> CompletableFuture<@Nullable T> call(KeyNamespace namespace, String key,
			Supplier<? extends CompletionStage<T>> loader) {
		long start = System.nanoTime();
		String prefix = namespace.metricsPrefix();
		return CompletableFuture.supplyAsync(() -> {
			CompletionStage<T> stage = loader.get();
			if (stage == null) {
				throw new IllegalStateException(
						"The loader of key " + Arguments.quote(key) + " returned no CompletionStage");
			}
			return stage;
		}, this.loaders).thenCompose(Function.identity()).handle((value, failure) -> {
			this.remembering.recorder().recordLoad(prefix, failure == null, System.nanoTime() - start);
			if (failure != null) {
				Throwable cause = unwrap(failure);
				if (cause instanceof RuntimeException || cause instanceof Error) {
					throw new CompletionException(cause);
				}
				throw new CompletionException(
						new CacheException("Loader for key " + Arguments.quote(key) + " failed: " + cause, cause));
			}
			return value;
		});
	}

	private static Throwable unwrap(Throwable failure) {
		Throwable current = failure;
		while (current instanceof CompletionException && current.getCause() != null) {
			current = current.getCause();
		}
		return current;
	}

	/** One miss, run by the one caller of this process that loads the key. */
	private final class Miss<T> {

		private final KeyNamespace namespace;

		private final String key;

		private final byte[] raw;

		private final long ttlMillis;

		private final RememberPolicy policy;

		private final Type type;

		private final Supplier<? extends CompletionStage<T>> loader;

		private volatile boolean loaded;

		private volatile @Nullable T value;

		/** Whether the key holds an entry that cannot be read as the type. */
		private volatile boolean unreadable;

		/**
		 * Whether the loader failed: its failure is the caller's, never a Redis outage to
		 * answer by running the loader again.
		 */
		private volatile boolean loaderFailed;

		Miss(KeyNamespace namespace, String key, long ttlMillis, RememberPolicy policy, Type type,
				Supplier<? extends CompletionStage<T>> loader, boolean unreadable) {
			this.unreadable = unreadable;
			this.namespace = namespace;
			this.key = key;
			this.raw = namespace.rawKey(key);
			this.ttlMillis = ttlMillis;
			this.policy = policy;
			this.type = type;
			this.loader = loader;
		}

		CompletableFuture<@Nullable T> load() {
			CompletableFuture<@Nullable T> attempt = AsyncRemembering.this.remembering.distributed()
					? underLease(RedisDoor.newToken(),
							System.nanoTime() + AsyncRemembering.this.remembering.waitNanos())
					: locally();
			return attempt.handle((result, failure) -> {
				if (failure == null) {
					return CompletableFuture.completedFuture(result);
				}
				Throwable cause = unwrap(failure);
				if (this.loaderFailed || !AsyncRemembering.this.remembering.canFailOpen(cause)) {
					return CompletableFuture.<@Nullable T>failedFuture(cause);
				}
				AsyncRemembering.this.remembering.noteFailOpen(this.namespace, this.key, cause);
				return this.loaded ? CompletableFuture.completedFuture(this.value)
						: call(this.namespace, this.key, this.loader);
			}).thenCompose(Function.identity());
		}

		private CompletableFuture<@Nullable T> underLease(byte[] token, long deadline) {
			byte[] leaseKey = Remembering.leaseKey(this.namespace, this.key);
			RedisDoor door = AsyncRemembering.this.door;
			return door
				.bounded(door.set(leaseKey, token, AsyncRemembering.this.remembering.leaseMillis(),
						SetCondition.ifAbsent()))
				.thenCompose((reply) -> {
					if (RedisDoor.isWritten(reply)) {
						return locally().whenComplete((value, failure) -> AsyncRemembering.this.remembering
							.releaseLeaseQuietly(this.key, leaseKey, token));
					}
					if (System.nanoTime() - deadline >= 0) {
						// waited long enough for another process: load, never wait past
						// the bound
						return loadAndStore();
					}
					long base = AsyncRemembering.this.remembering.pollNanos();
					long pause = base / 2 + ThreadLocalRandom.current().nextLong(base);
					Executor later = CompletableFuture.delayedExecutor(pause, TimeUnit.NANOSECONDS,
							AsyncRemembering.this.loaders);
					return CompletableFuture.supplyAsync(this::stored, later)
						.thenCompose(Function.identity())
						.thenCompose((stored) -> (stored != NOTHING) ? CompletableFuture.completedFuture(cast(stored))
								: underLease(token, deadline));
				});
		}

		private CompletableFuture<@Nullable T> locally() {
			// a caller that finished loading this key just before we joined may have
			// stored it
			return stored().thenCompose(
					(stored) -> (stored != NOTHING) ? CompletableFuture.completedFuture(cast(stored)) : loadAndStore());
		}

		private CompletableFuture<@Nullable Object> stored() {
			RedisDoor door = AsyncRemembering.this.door;
			return door.bounded(door.get(this.raw)).thenApply((bytes) -> {
				if (bytes == null) {
					return NOTHING;
				}
				try {
					return AsyncRemembering.this.remembering.codec().decode(this.key, bytes, this.type);
				}
				catch (CacheSerializationException ex) {
					// an unreadable entry is none, to be replaced
					this.unreadable = true;
					return NOTHING;
				}
			});
		}

		private CompletableFuture<@Nullable T> loadAndStore() {
			return call(this.namespace, this.key, this.loader).whenComplete((loadedValue, failure) -> {
				if (failure != null) {
					this.loaderFailed = true;
				}
			}).thenCompose((loadedValue) -> {
				this.value = loadedValue;
				this.loaded = true;
				RedisDoor door = AsyncRemembering.this.door;
				return AsyncRemembering.this.remembering
					.storeAsync(this.namespace, this.key, this.raw, this.ttlMillis, this.policy, loadedValue)
					.thenCompose((written) -> (written || !this.unreadable) ? CompletableFuture.completedFuture(null)
							// nothing replaces the unreadable entry: remove it
							: door.bounded(door.unlink(this.raw)))
					.thenApply((ignored) -> loadedValue);
			});
		}

		@SuppressWarnings("unchecked")
		private @Nullable T cast(@Nullable Object stored) {
			return (T) stored;
		}

	}

}
