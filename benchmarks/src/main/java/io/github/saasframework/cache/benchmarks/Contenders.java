package io.github.saasframework.cache.benchmarks;

import java.util.concurrent.CompletableFuture;

import java.util.Objects;
import java.util.concurrent.TimeUnit;

import io.github.saasframework.cache.RedisCache;
import io.lettuce.core.RedisClient;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.redisson.api.RBucket;
import org.redisson.api.RLock;
import org.redisson.api.RedissonClient;
import org.redisson.codec.TypedJsonJackson3Codec;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.cache.Cache;
import org.springframework.data.redis.cache.RedisCacheConfiguration;
import org.springframework.data.redis.cache.RedisCacheManager;
import org.springframework.data.redis.cache.RedisCacheWriter;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.serializer.JacksonJsonRedisSerializer;
import org.springframework.data.redis.serializer.RedisSerializationContext.SerializationPair;
import org.springframework.integration.redis.util.RedisLockRegistry;

/**
 * The contenders, one JMH state each, so that a benchmark starts only the client it
 * measures. Each writes the value its {@code get} benchmark reads in its setup and checks
 * that it reads back.
 */
public final class Contenders {

	/** Key of the value the get benchmarks read. */
	public static final String GET_KEY = "payload";

	/** Key the set benchmarks write. */
	public static final String SET_KEY = "payload:set";

	/** Name of the lock the lock benchmarks take. */
	public static final String LOCK_NAME = "lock";

	/** Lease of every lock. */
	public static final long LOCK_LEASE_MILLIS = 30_000;

	private Contenders() {
	}

	/**
	 * Our {@link RedisCache} on a Lettuce connection factory (shared native connection).
	 */
	@State(Scope.Benchmark)
	public static class Ours {

		LettuceConnectionFactory factory;

		RedisCache cache;

		final Payload payload = Payload.sample();

		@Setup(Level.Trial)
		public void setUp() {
			this.factory = Connections.connectionFactory();
			this.cache = Connections.ourCache(this.factory);
			this.cache.set(GET_KEY, this.payload);
			check(this.cache.get(GET_KEY, Payload.class).orElse(null));
		}

		@TearDown(Level.Trial)
		public void tearDown() {
			this.factory.destroy();
		}

	}

	/**
	 * Raw Lettuce: one {@code StatefulRedisConnection<byte[], byte[]>} shared by all
	 * threads, its sync API, and a Jackson 3 {@link JsonMapper}.
	 */
	@State(Scope.Benchmark)
	public static class Lettuce {

		static final byte[] GET = ("lettuce:" + GET_KEY).getBytes();

		static final byte[] SET = ("lettuce:" + SET_KEY).getBytes();

		RedisClient client;

		StatefulRedisConnection<byte[], byte[]> connection;

		RedisCommands<byte[], byte[]> commands;

		RedisAsyncCommands<byte[], byte[]> async;

		final JsonMapper mapper = JsonMapper.builder().build();

		final SetArgs ttl = SetArgs.Builder.px(Connections.TTL.toMillis());

		final Payload payload = Payload.sample();

		@Setup(Level.Trial)
		public void setUp() {
			this.client = Connections.lettuceClient();
			this.connection = this.client.connect(ByteArrayCodec.INSTANCE);
			this.commands = this.connection.sync();
			this.async = this.connection.async();
			this.commands.set(GET, this.mapper.writeValueAsBytes(this.payload), this.ttl);
			check(get());
		}

		Payload get() {
			byte[] bytes = this.commands.get(GET);
			return (bytes != null) ? this.mapper.readValue(bytes, Payload.class) : null;
		}

		void set() {
			this.commands.set(SET, this.mapper.writeValueAsBytes(this.payload), this.ttl);
		}

		/**
		 * GET on Lettuce's async API, decoded when the reply arrives (on its I/O thread).
		 */
		CompletableFuture<Payload> getAsync() {
			return this.async.get(GET)
				.thenApply((bytes) -> (bytes != null) ? this.mapper.readValue(bytes, Payload.class) : null)
				.toCompletableFuture();
		}

		/** SET on Lettuce's async API, encoded on the calling thread. */
		CompletableFuture<String> setAsync() {
			return this.async.set(SET, this.mapper.writeValueAsBytes(this.payload), this.ttl).toCompletableFuture();
		}

		@TearDown(Level.Trial)
		public void tearDown() {
			this.connection.close();
			this.client.shutdown();
		}

	}

	/**
	 * Spring's cache abstraction: a {@link RedisCacheManager} cache with a Jackson 3 JSON
	 * value serializer and immediate (synchronous) writes, on the same kind of factory as
	 * ours.
	 */
	@State(Scope.Benchmark)
	public static class SpringCache {

		LettuceConnectionFactory factory;

		Cache cache;

		final Payload payload = Payload.sample();

		@Setup(Level.Trial)
		public void setUp() {
			this.factory = Connections.connectionFactory();
			RedisCacheConfiguration config = RedisCacheConfiguration.defaultCacheConfig()
				.entryTtl(Connections.TTL)
				.serializeValuesWith(SerializationPair.fromSerializer(new JacksonJsonRedisSerializer<>(Payload.class)));
			// immediate writes: put returns when Redis has answered, as our set does
			// (Spring
			// Data Redis 4 otherwise writes asynchronously, fire-and-forget: a throughput
			// benchmark of that only measures how fast commands queue up, until memory
			// runs out)
			RedisCacheWriter writer = RedisCacheWriter.create(this.factory, (writes) -> writes.immediateWrites());
			RedisCacheManager manager = RedisCacheManager.builder(writer).cacheDefaults(config).build();
			manager.afterPropertiesSet();
			this.cache = Objects.requireNonNull(manager.getCache("spring"));
			this.cache.put(GET_KEY, this.payload);
			check(this.cache.get(GET_KEY, Payload.class));
		}

		@TearDown(Level.Trial)
		public void tearDown() {
			this.factory.destroy();
		}

	}

	/**
	 * Redisson with its default settings: {@code RBucket} with its Jackson 3 JSON codec.
	 */
	@State(Scope.Benchmark)
	public static class Redisson {

		RedissonClient client;

		RBucket<Payload> getBucket;

		RBucket<Payload> setBucket;

		RLock lock;

		final Payload payload = Payload.sample();

		@Setup(Level.Trial)
		public void setUp() {
			this.client = Connections.redisson();
			TypedJsonJackson3Codec codec = new TypedJsonJackson3Codec(Payload.class);
			this.getBucket = this.client.getBucket("redisson:" + GET_KEY, codec);
			this.setBucket = this.client.getBucket("redisson:" + SET_KEY, codec);
			this.lock = this.client.getLock("redisson:" + LOCK_NAME);
			this.getBucket.set(this.payload, Connections.TTL);
			check(this.getBucket.get());
		}

		void lockAndUnlock() {
			this.lock.lock(LOCK_LEASE_MILLIS, TimeUnit.MILLISECONDS);
			this.lock.unlock();
		}

		@TearDown(Level.Trial)
		public void tearDown() {
			this.client.shutdown();
		}

	}

	/** Spring Integration's {@link RedisLockRegistry} (its default spin lock). */
	@State(Scope.Benchmark)
	public static class Registry {

		LettuceConnectionFactory factory;

		RedisLockRegistry registry;

		@Setup(Level.Trial)
		public void setUp() {
			this.factory = Connections.connectionFactory();
			this.registry = new RedisLockRegistry(this.factory, "registry", LOCK_LEASE_MILLIS);
		}

		@TearDown(Level.Trial)
		public void tearDown() {
			this.registry.destroy();
			this.factory.destroy();
		}

	}

	static void check(Payload read) {
		if (!Payload.sample().equals(read)) {
			throw new IllegalStateException("Read back " + read + " instead of the payload");
		}
	}

}
