package io.github.saasframework.cache.serializer;

import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.util.JsonRecyclerPools;
import tools.jackson.databind.json.JsonMapper;

/**
 * A copy of a mapper builder, every setting kept, whose JSON factory takes its parse and
 * write buffers from a pool per thread ({@link JsonRecyclerPools#threadLocalPool()})
 * instead of Jackson 3's default pool, one {@code ConcurrentLinkedDeque} shared by all
 * threads. A near-cache hit of a mutable value decodes on the caller's thread with no I/O
 * around it, so with many threads on few cores they all take a buffer from and return it
 * to that deque once per read, and contend on it (measured in {@code docs/benchmarks.md},
 * "Near cache"). A virtual thread gets buffers of its own the first time it reads (as
 * with no pool at all) and drops them when it ends.
 */
final class PerThreadBuffersBuilder extends JsonMapper.Builder {

	PerThreadBuffersBuilder(JsonMapper.Builder settings) {
		super(new JsonMapper.Builder.StateImpl(settings));
		// the factory's own settings (constraints, features) are kept: only the pool
		// changes
		if (this._streamFactory instanceof JsonFactory factory) {
			this._streamFactory = factory.rebuild().recyclerPool(JsonRecyclerPools.threadLocalPool()).build();
		}
	}

}
