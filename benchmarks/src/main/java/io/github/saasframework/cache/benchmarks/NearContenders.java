package io.github.saasframework.cache.benchmarks;

import java.util.Objects;

import io.github.saasframework.cache.RedisCache;
import io.lettuce.core.RedisClient;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.redisson.api.RBucket;
import org.redisson.api.RClientSideCaching;
import org.redisson.api.RedissonClient;
import org.redisson.api.options.ClientSideCachingOptions;
import org.redisson.api.options.ClientSideCachingOptions.EvictionPolicy;
import org.redisson.codec.TypedJsonJackson3Codec;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The contenders of {@link NearCacheBenchmark}, one JMH state each (as in
 * {@link Contenders}): our cache with the near cache on, reading an immutable record
 * ({@link NearPayload}) or a mutable bean ({@link MutablePayload}); raw Lettuce reading
 * the mutable bean's JSON; Redisson's {@code RClientSideCaching} reading the record. Each
 * writes its value in its setup and checks that it reads back.
 */
public final class NearContenders {

	/**
	 * Key prefix of our near-cached cache (the prefix its invalidations are tracked for).
	 */
	public static final String PREFIX = "near";

	/** Key of the immutable value. */
	public static final String IMMUTABLE_KEY = "immutable";

	/** Key of the mutable value. */
	public static final String MUTABLE_KEY = "mutable";

	/** How many entries each near cache holds at most. */
	public static final int MAX_ENTRIES = 10_000;

	private NearContenders() {
	}

	/** Ours, near cache on, the immutable record. */
	@State(Scope.Benchmark)
	public static class NearImmutable {

		LettuceConnectionFactory factory;

		RedisCache cache;

		final NearCacheCounters counters = new NearCacheCounters();

		@Setup(Level.Trial)
		public void setUp() {
			this.factory = Connections.connectionFactory();
			this.cache = Connections.ourNearCache(this.factory, PREFIX, this.counters);
			this.cache.set(IMMUTABLE_KEY, NearPayload.sample());
			for (int i = 0; i < 3; i++) {
				check(NearPayload.sample(), this.cache.get(IMMUTABLE_KEY, NearPayload.class).orElse(null));
			}
			reportNearCache("NearImmutable", this.counters);
		}

		@TearDown(Level.Trial)
		public void tearDown() {
			this.cache.close();
			this.factory.destroy();
		}

	}

	/** Ours, near cache on, the mutable bean (decoded again on each hit). */
	@State(Scope.Benchmark)
	public static class NearMutable {

		LettuceConnectionFactory factory;

		RedisCache cache;

		final NearCacheCounters counters = new NearCacheCounters();

		@Setup(Level.Trial)
		public void setUp() {
			this.factory = Connections.connectionFactory();
			this.cache = Connections.ourNearCache(this.factory, PREFIX, this.counters);
			this.cache.set(MUTABLE_KEY, MutablePayload.sample());
			MutablePayload first = this.cache.get(MUTABLE_KEY, MutablePayload.class).orElse(null);
			check(MutablePayload.sample(), first);
			// a caller that changes what it read must not change what the next caller
			// reads
			Objects.requireNonNull(first).getRoles().add("changed by a caller");
			first.getAttributes().put("changed", "by a caller");
			for (int i = 0; i < 3; i++) {
				check(MutablePayload.sample(), this.cache.get(MUTABLE_KEY, MutablePayload.class).orElse(null));
			}
			reportNearCache("NearMutable", this.counters);
		}

		@TearDown(Level.Trial)
		public void tearDown() {
			this.cache.close();
			this.factory.destroy();
		}

	}

	/**
	 * Raw Lettuce: {@code GET} on one shared {@code byte[]} connection and a Jackson 3
	 * decode of the mutable bean's JSON, on every call.
	 */
	@State(Scope.Benchmark)
	public static class LettuceMutable {

		static final byte[] KEY = ("lettuce:" + MUTABLE_KEY).getBytes();

		RedisClient client;

		StatefulRedisConnection<byte[], byte[]> connection;

		RedisCommands<byte[], byte[]> commands;

		final JsonMapper mapper = JsonMapper.builder().build();

		@Setup(Level.Trial)
		public void setUp() {
			this.client = Connections.lettuceClient();
			this.connection = this.client.connect(ByteArrayCodec.INSTANCE);
			this.commands = this.connection.sync();
			this.commands.set(KEY, this.mapper.writeValueAsBytes(MutablePayload.sample()),
					SetArgs.Builder.px(Connections.TTL.toMillis()));
			check(MutablePayload.sample(), get());
		}

		MutablePayload get() {
			byte[] bytes = this.commands.get(KEY);
			return (bytes != null) ? this.mapper.readValue(bytes, MutablePayload.class) : null;
		}

		@TearDown(Level.Trial)
		public void tearDown() {
			this.connection.close();
			this.client.shutdown();
		}

	}

	/**
	 * Redisson 4.7's {@code RClientSideCaching} (RESP3, LRU of {@link #MAX_ENTRIES}
	 * entries): a bucket with the Jackson 3 codec on a default mapper, reading the
	 * immutable record.
	 */
	@State(Scope.Benchmark)
	public static class RedissonClientSideCaching {

		static final String KEY = "redisson:" + IMMUTABLE_KEY;

		RedissonClient client;

		RClientSideCaching caching;

		RBucket<NearPayload> bucket;

		@Setup(Level.Trial)
		public void setUp() {
			this.client = Connections.redissonResp3();
			this.caching = clientSideCaching(this.client);
			TypedJsonJackson3Codec codec = codec();
			this.client.getBucket(KEY, codec).set(NearPayload.sample(), Connections.TTL);
			this.bucket = this.caching.getBucket(KEY, codec);
			for (int i = 0; i < 3; i++) {
				check(NearPayload.sample(), this.bucket.get());
			}
		}

		@TearDown(Level.Trial)
		public void tearDown() {
			this.caching.destroy();
			this.client.shutdown();
		}

	}

	/**
	 * Redisson's client-side caching as the benchmarks configure it.
	 * @param client a RESP3 client
	 * @return LRU, {@link #MAX_ENTRIES} entries
	 */
	static RClientSideCaching clientSideCaching(RedissonClient client) {
		return client.getClientSideCaching(
				ClientSideCachingOptions.defaults().evictionPolicy(EvictionPolicy.LRU).size(MAX_ENTRIES));
	}

	/**
	 * Redisson's Jackson 3 codec for the record, on a default mapper: the JSON ours and a
	 * plain client write.
	 * @return the codec
	 */
	static TypedJsonJackson3Codec codec() {
		return new TypedJsonJackson3Codec(NearPayload.class, JsonMapper.builder().build());
	}

	static void check(Object expected, Object read) {
		if (!expected.equals(read)) {
			throw new IllegalStateException("Read back " + read + " instead of " + expected);
		}
	}

	/**
	 * Says whether the near cache answered from memory, so a run shows what it measured.
	 */
	static void reportNearCache(String contender, NearCacheCounters counters) {
		long hits = counters.hits();
		System.out.printf("%s: near cache answered %d of %d reads from memory%s%n", contender, hits,
				hits + counters.misses(), (hits == 0) ? " (NOT ACTIVE in this build: every read goes to Redis)" : "");
		counters.stopCounting();
	}

}
