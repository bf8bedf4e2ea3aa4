package io.github.saasframework.cache.internal.lock;

import java.lang.ref.Reference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import io.github.saasframework.cache.CacheConfig;
import io.github.saasframework.cache.CacheException;
import io.github.saasframework.cache.CacheMetricsRecorder;
import io.github.saasframework.cache.CacheObserver;
import io.github.saasframework.cache.internal.Arguments;
import io.github.saasframework.cache.internal.CacheResources;
import io.github.saasframework.cache.internal.KeyNamespace;
import io.github.saasframework.cache.internal.redis.RedisDoor;
import io.github.saasframework.cache.lock.DistributedLock;
import io.github.saasframework.cache.lock.LockNotHeldException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The one door for everything lock-shaped of a root cache (its {@code withPrefix}
 * children share it): new locks, {@code withLock} (acquire, lease kept while the action
 * runs, release, loss reported), reentrancy per thread, and what the locks share, the
 * {@link LeaseKeeper} and the {@link LockWaiters}, each created on first use and closed
 * with the cache.
 */
public final class Locks {

	private static final Log logger = LogFactory.getLog(Locks.class);

	/** The locks the current thread holds through {@code withLock}, innermost last. */
	private static final ThreadLocal<List<Held>> HELD = ThreadLocal.withInitial(ArrayList::new);

	private final RedisDoor door;

	private final CacheResources resources;

	private final CacheMetricsRecorder recorder;

	private final CacheObserver observer;

	private final Duration retryInterval;

	private @Nullable LeaseKeeper keeper;

	private @Nullable LockWaiters waiters;

	/**
	 * The locks of a root cache.
	 * @param door the door
	 * @param resources what the cache closes
	 * @param config the cache's configuration
	 */
	public Locks(RedisDoor door, CacheResources resources, CacheConfig config) {
		this.door = door;
		this.resources = resources;
		this.recorder = config.metricsRecorder();
		this.observer = config.observer();
		this.retryInterval = config.lockRetryInterval();
	}

	/**
	 * A new lock, not acquired.
	 * @param namespace the cache's namespace
	 * @param name the unprefixed lock name, checked
	 * @param ttl the lease, checked
	 * @return the lock
	 */
	public DistributedLock lock(KeyNamespace namespace, String name, Duration ttl) {
		return new RedisDistributedLock(this, namespace, name, ttl);
	}

	/**
	 * Runs an action under a lock: reentrant for the thread that holds it (a nested call
	 * on the same lock runs at once), else waits for it, keeps its lease alive while the
	 * action runs (the lease bounds how long a crashed process blocks others, not how
	 * long the action may take), releases it, and throws {@link LockNotHeldException}
	 * when it was lost meanwhile (suppressed into the action's own exception, if any).
	 * @param <T> the result type
	 * @param namespace the cache's namespace
	 * @param name the unprefixed lock name, checked
	 * @param ttl the lease, checked
	 * @param waitTime how long to wait, checked
	 * @param action the action
	 * @return the action's result
	 */
	public <T> @Nullable T withLock(KeyNamespace namespace, String name, Duration ttl, Duration waitTime,
			Callable<T> action) {
		RedisDistributedLock lock = new RedisDistributedLock(this, namespace, name, ttl);
		if (find(lock.redisKey()) != null) {
			// reentrant: this thread holds the lock already; the outermost call keeps the
			// lease and releases it
			return call(name, action);
		}
		lock.acquire(waitTime);
		Held held = new Held(this, lock.redisKey(), lock);
		HELD.get().add(held);
		T result = null;
		Throwable failure = null;
		try {
			CompletableFuture<Void> lease;
			try {
				lease = lock.refreshLoop(refreshInterval(ttl));
			}
			catch (RuntimeException ex) {
				lock.close();
				throw ex;
			}
			try {
				result = call(name, action);
			}
			catch (Throwable ex) {
				failure = ex;
			}
			LockNotHeldException lost = releaseAfterAction(lock, lease);
			if (failure == null && lost != null) {
				throw lost;
			}
			if (lost != null) {
				failure.addSuppressed(lost);
			}
		}
		finally {
			List<Held> holds = HELD.get();
			holds.remove(held);
			if (holds.isEmpty()) {
				HELD.remove();
			}
			Reference.reachabilityFence(lock);
		}
		if (failure instanceof RuntimeException runtime) {
			throw runtime;
		}
		if (failure instanceof Error error) {
			throw error;
		}
		return result;
	}

	/**
	 * The lock of that name the current thread holds through {@code withLock} of any
	 * cache (the innermost one if several caches hold a lock of that name).
	 * @param name the unprefixed name
	 * @return the lock, or empty
	 */
	public static Optional<DistributedLock> heldByCurrentThread(String name) {
		List<Held> holds = HELD.get();
		for (int i = holds.size() - 1; i >= 0; i--) {
			Held held = holds.get(i);
			if (held.lock.name().equals(name)) {
				return Optional.of(held.lock);
			}
		}
		return Optional.empty();
	}

	/**
	 * How many lock leases the lease keeper keeps alive (for tests).
	 * @return the number of leases
	 */
	public int leasesKept() {
		LeaseKeeper current;
		synchronized (this) {
			current = this.keeper;
		}
		return (current != null) ? current.size() : 0;
	}

	RedisDoor door() {
		return this.door;
	}

	CacheMetricsRecorder recorder() {
		return this.recorder;
	}

	CacheObserver observer() {
		return this.observer;
	}

	Duration retryInterval() {
		return this.retryInterval;
	}

	synchronized LeaseKeeper keeper() {
		LeaseKeeper current = this.keeper;
		if (current == null) {
			current = this.resources.register(new LeaseKeeper(this.door));
			this.keeper = current;
		}
		return current;
	}

	synchronized LockWaiters waiters() {
		LockWaiters current = this.waiters;
		if (current == null) {
			current = new LockWaiters(this.door);
			if (this.resources.isClosed()) {
				// a closed cache listens no more: its waiters poll
				current.close();
			}
			else {
				this.resources.register(current);
			}
			this.waiters = current;
		}
		return current;
	}

	private @Nullable Held find(String redisKey) {
		for (Held held : HELD.get()) {
			if (held.owner == this && held.redisKey.equals(redisKey)) {
				return held;
			}
		}
		return null;
	}

	private static <T> @Nullable T call(String name, Callable<T> action) {
		try {
			return action.call();
		}
		catch (RuntimeException | Error ex) {
			throw ex;
		}
		catch (Exception ex) {
			throw new CacheException("Action under lock " + Arguments.quote(name) + " failed: " + ex, ex);
		}
	}

	/**
	 * Releases the lock after its action and tells whether it was lost meanwhile: a
	 * release that finds the key without this owner's token means another owner could
	 * have held it while the action ran. A release that fails (Redis unreachable, no
	 * rights) is logged: the lock then frees itself when its lease runs out; it counts as
	 * lost only when the lease keeper had already given the lease up.
	 */
	private static @Nullable LockNotHeldException releaseAfterAction(RedisDistributedLock lock,
			CompletableFuture<Void> lease) {
		Throwable leaseFailure = null;
		if (lease.isCompletedExceptionally()) {
			try {
				lease.join();
			}
			catch (CompletionException | CancellationException ex) {
				leaseFailure = (ex.getCause() != null) ? ex.getCause() : ex;
			}
		}
		try {
			lock.release();
			// the key still held this owner's token: nobody else held the lock meanwhile
			return null;
		}
		catch (LockNotHeldException ex) {
			String why = (leaseFailure != null) ? leaseFailure.getMessage()
					: "at release its key no longer held this owner's token (expired or taken over)";
			return new LockNotHeldException("Lock " + Arguments.quote(lock.name()) + " (key "
					+ Arguments.quote(lock.redisKey()) + ") was lost while its action ran, so another owner may have "
					+ "held it meanwhile: " + why, (leaseFailure != null) ? leaseFailure : ex);
		}
		catch (RuntimeException ex) {
			if (leaseFailure != null) {
				return new LockNotHeldException("Lock " + Arguments.quote(lock.name()) + " (key "
						+ Arguments.quote(lock.redisKey()) + ") was lost while its action ran: "
						+ leaseFailure.getMessage() + "; the release failed too: " + ex, leaseFailure);
			}
			logger.warn("Lock " + Arguments.quote(lock.name()) + " (key " + Arguments.quote(lock.redisKey())
					+ ") could not be released after its action, which ran under the lock: " + ex
					+ "; the lock frees itself when its lease of " + lock.ttl() + " runs out");
			return null;
		}
	}

	private static Duration refreshInterval(Duration ttl) {
		Duration third = ttl.dividedBy(3);
		return third.isZero() ? Duration.ofMillis(1) : third;
	}

	/** One lock held by this thread through {@code withLock}. */
	private record Held(Locks owner, String redisKey, RedisDistributedLock lock) {
	}

}
