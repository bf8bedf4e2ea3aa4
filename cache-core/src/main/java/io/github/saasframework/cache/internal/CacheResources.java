package io.github.saasframework.cache.internal;

import java.util.ArrayDeque;
import java.util.Deque;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * What a root {@code RedisCache} owns beyond its connection factory (threads, executors,
 * connections of its own), shared by the caches {@code withPrefix} derives from it and
 * closed once, in reverse order of registration, when the root cache is closed. Parts
 * that own such a resource register it here when they create it.
 */
public final class CacheResources implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(CacheResources.class);

	private final Deque<AutoCloseable> owned = new ArrayDeque<>();

	private boolean closed;

	/**
	 * Registers a resource to close with the cache.
	 * @throws IllegalStateException if the cache is already closed (the resource is
	 * closed at once)
	 */
	public synchronized <T extends AutoCloseable> T register(T resource) {
		if (this.closed) {
			closeQuietly(resource);
			throw new IllegalStateException("The cache is closed");
		}
		this.owned.push(resource);
		return resource;
	}

	public synchronized boolean isClosed() {
		return this.closed;
	}

	@Override
	public synchronized void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		while (!this.owned.isEmpty()) {
			closeQuietly(this.owned.pop());
		}
	}

	private static void closeQuietly(AutoCloseable resource) {
		try {
			resource.close();
		}
		catch (Exception ex) {
			logger.warn("Could not close " + resource + " of the cache", ex);
		}
	}

}
