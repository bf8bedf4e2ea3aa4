package io.github.saasframework.cache;

import org.jspecify.annotations.Nullable;

/**
 * What the locks of one root cache share: the {@link LeaseKeeper} and the
 * {@link LockWaiters}, each created on first use and registered with the cache's
 * {@link CacheResources}, so they stop when the cache is closed.
 */
final class Locks {

	private final RedisCalls redis;

	private final CacheResources resources;

	private @Nullable LeaseKeeper keeper;

	private @Nullable LockWaiters waiters;

	Locks(RedisCalls redis, CacheResources resources) {
		this.redis = redis;
		this.resources = resources;
	}

	RedisCalls redis() {
		return this.redis;
	}

	synchronized LeaseKeeper keeper() {
		LeaseKeeper current = this.keeper;
		if (current == null) {
			current = this.resources.register(new LeaseKeeper(this.redis));
			this.keeper = current;
		}
		return current;
	}

	synchronized LockWaiters waiters() {
		LockWaiters current = this.waiters;
		if (current == null) {
			current = new LockWaiters(this.redis);
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

}
