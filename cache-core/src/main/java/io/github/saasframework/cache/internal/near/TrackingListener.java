package io.github.saasframework.cache.internal.near;

import java.util.List;

/**
 * What the tracking connections tell the near cache's memory; called on a connection's
 * I/O thread or the tracking scheduler, so implementations must not block.
 */
interface TrackingListener {

	/**
	 * Redis reported changes of these keys.
	 * @param redisKeys the full keys
	 */
	void invalidated(List<String> redisKeys);

	/**
	 * Tracking was lost (or the topology changed, or Redis flushed a database): nothing
	 * in memory can be trusted, and no read begun before now may be kept.
	 */
	void lost();

	/** Tracking (re)started: reads from now on may be kept. */
	void started();

}
