package io.github.saasframework.cache.autoconfigure;

/**
 * Told about every cache the starter's {@code CacheManager} creates, before it is used:
 * the meters and observations of a Spring cache are tagged with its name.
 */
@FunctionalInterface
interface CacheNameListener {

	/**
	 * A cache was created.
	 * @param name the cache name
	 * @param prefix its full key prefix
	 */
	void cacheCreated(String name, String prefix);

}
