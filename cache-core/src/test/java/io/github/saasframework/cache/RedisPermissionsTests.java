package io.github.saasframework.cache;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import io.github.saasframework.cache.internal.core.CacheInternals;
import io.github.saasframework.cache.internal.redis.Outages;
import io.github.saasframework.cache.internal.redis.RedisDoor;
import io.github.saasframework.cache.lock.DistributedLock;
import io.github.saasframework.cache.lock.LockNotHeldException;
import io.github.saasframework.cache.spring.RedisSpringCacheManager;
import io.github.saasframework.cache.testsupport.RedisServerProcess;
import io.lettuce.core.RedisConnectionException;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisPassword;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The Redis commands each feature needs, as {@code docs/redis-permissions.md} lists them
 * (this test reads the list from that page): an ACL user granted exactly a feature's
 * commands uses the feature and Redis refuses nothing ({@code ACL LOG} stays empty); a
 * user without one of them gets an error that names the command and points to the page; a
 * rejected password is a configuration error, never answered from the loader (issue 26).
 * On a {@code redis-server} of the test's own.
 */
class RedisPermissionsTests {

	private static final String PREFIX = "acl";

	private static final Path PAGE = Path.of("..", Outages.PERMISSIONS_PAGE);

	private static RedisServerProcess server;

	private static Map<String, String> rules;

	private final List<LettuceConnectionFactory> factories = new ArrayList<>();

	private final List<RedisCache> caches = new ArrayList<>();

	@BeforeAll
	static void start() throws IOException {
		rules = readRules();
		server = RedisServerProcess.start();
	}

	@AfterAll
	static void stop() {
		server.stop();
	}

	@BeforeEach
	void resetAclLog() {
		server.command("ACL", "LOG", "RESET");
	}

	@AfterEach
	void close() {
		this.caches.forEach(RedisCache::close);
		this.factories.forEach(LettuceConnectionFactory::destroy);
	}

	/** The block of the page between "## The list" and the table: feature, rules. */
	private static Map<String, String> readRules() throws IOException {
		String page = Files.readString(PAGE);
		String list = page.substring(page.indexOf("## The list"));
		list = list.substring(list.indexOf("```text") + "```text".length(),
				list.indexOf("```", list.indexOf("```text") + 7));
		Map<String, String> byFeature = new LinkedHashMap<>();
		for (String line : list.strip().split("\n")) {
			String[] parts = line.strip().split("\\s+", 2);
			byFeature.put(parts[0], parts[1]);
		}
		assertThat(byFeature).containsKeys("connection", "cache", "remember", "locks", "near-cache", "pattern-deletion",
				"spring-cache", "health");
		return byFeature;
	}

	// ---------------------------------------------------------------- each feature with
	// exactly its list

	@Test
	void cache_withExactlyItsCommands() {
		usesWithExactly("cache", (cache) -> {
			cache.set("a", "1");
			assertThat(cache.get("a", String.class)).contains("1");
			cache.getAll(List.of("a", "b"), String.class);
			cache.setAll(Map.of("c", "1", "d", "2"), Duration.ZERO);
			cache.delete("c");
			cache.deleteAll(List.of("d"));
			cache.exists("a");
			cache.increment("n");
			cache.decrementBy("n", 2);
			cache.incrementFloat("f", 1.5);
			cache.incrementBy("window", 1, Duration.ofSeconds(5));
			cache.getTtl("a");
			cache.expire("a", Duration.ofSeconds(50));
			cache.expireAt("a", java.time.Instant.now().plusSeconds(100));
			cache.persist("a");
			cache.touch("a");
			cache.rename("a", "a2");
			assertThat(cache.keys("*")).contains("a2");
			try (var keys = cache.scan("*", 10)) {
				assertThat(keys.count()).isPositive();
			}
		});
	}

	@Test
	void remember_withExactlyItsCommands() {
		usesWithExactly("remember", (cache) -> {
			assertThat(cache.remember("r", Duration.ofSeconds(10), String.class, () -> "v")).isEqualTo("v");
			assertThat(cache.remember("r", Duration.ofSeconds(10), String.class, () -> "other")).isEqualTo("v");
			RememberPolicy refreshed = RememberPolicy.ttl(Duration.ofSeconds(60)).refreshAfter(Duration.ofSeconds(30));
			assertThat(cache.remember("fresh", refreshed, String.class, () -> "v")).isEqualTo("v");
			assertThat(cache.remember("fresh", refreshed, String.class, () -> "v")).isEqualTo("v");
			assertThat(cache.async()
				.remember("async", Duration.ofSeconds(10), String.class, () -> CompletableFuture.completedFuture("v"))
				.join()).isEqualTo("v");
		});
	}

	@Test
	void locks_withExactlyTheirCommands_includingTheReleaseNotification() {
		usesWithExactly("locks", (cache) -> {
			assertThat(cache.withLock("job", Duration.ofSeconds(5), () -> "done")).isEqualTo("done");
			RedisCache other = cacheFor(user("locks-user"));
			DistributedLock holder = cache.lock("handoff", Duration.ofSeconds(5));
			assertThat(holder.tryAcquire()).isTrue();
			holder.extend(Duration.ofSeconds(5));
			assertThat(holder.isHeld()).isTrue();
			DistributedLock waiter = other.lock("handoff", Duration.ofSeconds(5));
			CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> waiter.acquire(Duration.ofSeconds(10)));
			// the waiter's instance subscribes to the lock's channel meanwhile
			Awaitility.await()
				.atMost(Duration.ofSeconds(5))
				.until(() -> server.command("CLIENT", "LIST").contains(" sub=1 "));
			holder.release();
			waiting.orTimeout(10, TimeUnit.SECONDS).join();
			assertThat(waiter.isHeld()).isTrue();
			waiter.release();
		});
	}

	@Test
	void nearCache_withExactlyItsCommands() {
		server.command("SET", PREFIX + ":k", "v");
		usesWithExactly("near-cache", (cache) -> {
			assertThat(cache.get("k", String.class)).contains("v");
			assertThat(cache.get("k", String.class)).contains("v");
			assertThat(cache.heldInMemory("k")).isTrue();
		}, (builder) -> builder.nearCache(true));
	}

	@Test
	void patternDeletion_withExactlyItsCommands() {
		for (int i = 0; i < 5; i++) {
			server.command("SET", PREFIX + ":doomed:" + i, "v");
		}
		usesWithExactly("pattern-deletion", (cache) -> {
			assertThat(cache.deleteByPattern("doomed:*")).isEqualTo(5);
			cache.flushPrefix();
		});
	}

	@Test
	void springCache_withExactlyItsCommands() {
		usesWithExactly("spring-cache", (cache) -> {
			RedisSpringCacheManager manager = RedisSpringCacheManager.builder(cache).build();
			manager.afterPropertiesSet();
			org.springframework.cache.Cache items = manager.getCache("items");
			items.put("1", "one");
			assertThat(items.get("1", String.class)).isEqualTo("one");
			assertThat(items.get("2", () -> "two")).isEqualTo("two");
			items.evict("1");
			items.clear();
		});
	}

	@Test
	void health_withExactlyItsCommands() {
		LettuceConnectionFactory factory = user(granted("health"));
		try (RedisConnection connection = factory.getConnection()) {
			assertThat(connection.ping()).isEqualTo("PONG");
		}
		assertThat(aclLog()).as("commands Redis refused").isEqualTo("*0");
	}

	private void usesWithExactly(String feature, Consumer<RedisCache> use) {
		usesWithExactly(feature, use, (builder) -> builder);
	}

	/**
	 * Creates a user with the connection rules and the feature's, uses the feature
	 * through a cache of that user, and checks that Redis refused nothing.
	 * @param extra rules the test itself needs beyond the feature (to write a value)
	 */
	private void usesWithExactly(String feature, Consumer<RedisCache> use,
			java.util.function.UnaryOperator<CacheConfig.Builder> options, String... extra) {
		String user = granted(feature, extra);
		RedisCache cache = cacheFor(user(user), options.apply(CacheConfig.builder()));
		use.accept(cache);
		assertThat(aclLog()).as("commands Redis refused to a user with the rules of " + feature).isEqualTo("*0");
	}

	// ---------------------------------------------------------------- refused commands

	@Test
	void lockWithoutTime_failsNamingTheCommandAndThePage() {
		RedisCache cache = cacheFor(user(granted("locks", "-time")));
		DistributedLock lock = cache.lock("job", Duration.ofSeconds(5));
		assertThatExceptionOfType(DataAccessException.class).isThrownBy(lock::tryAcquire)
			.withMessageContaining("'time'")
			.withMessageContaining(Outages.PERMISSIONS_PAGE)
			.satisfies((ex) -> assertThat(Outages.reason(ex)).isEqualTo("NOPERM"))
			.satisfies((ex) -> assertThat(Outages.isOutage(ex)).isFalse());
		assertThat(server.command("EXISTS", PREFIX + ":job")).as("nothing acquired").isEqualTo(":0");
		RedisDoor.Refusal refusal = CacheInternals.core(cache).door().lastRefusal();
		assertThat(refusal).isNotNull();
		assertThat(refusal.reason()).isEqualTo("NOPERM");
	}

	/**
	 * An extend that Redis refuses cannot be mended by retrying: the lease keeper reports
	 * the loss at once, naming the command, instead of retrying until the 30 s lease runs
	 * out.
	 */
	@Test
	void leaseWhoseExtendIsRefused_isReportedLostAtOnce() {
		RedisCache cache = cacheFor(user(granted("locks", "-pexpire")));
		DistributedLock lock = cache.lock("job", Duration.ofSeconds(30));
		assertThat(lock.tryAcquire()).isTrue();
		CompletableFuture<Void> loop = lock.refreshLoop(Duration.ofMillis(50));
		LockNotHeldException lost = lock.whenLost().toCompletableFuture().orTimeout(5, TimeUnit.SECONDS).join();
		assertThat(lost).hasMessageContaining("refused").hasMessageContaining("'pexpire'");
		assertThat(loop).isCompletedExceptionally();
		assertThat(lock.leaseRemaining()).isZero();
		lock.close();
	}

	@Test
	void patternDeletionWithoutScan_failsNamingTheCommandAndThePage() {
		RedisCache cache = cacheFor(user(granted("pattern-deletion", "-scan")));
		assertThatExceptionOfType(DataAccessException.class).isThrownBy(() -> cache.deleteByPattern("*"))
			.withMessageContaining("'scan'")
			.withMessageContaining(Outages.PERMISSIONS_PAGE);
	}

	@Test
	void failOpenRememberWithoutGet_throwsInsteadOfRunningTheLoader() {
		RedisCache cache = cacheFor(user(granted("remember", "-get")), CacheConfig.builder().failOpen(true));
		AtomicInteger loads = new AtomicInteger();
		assertThatExceptionOfType(DataAccessException.class).isThrownBy(
				() -> cache.remember("k", Duration.ofSeconds(10), String.class, () -> "v" + loads.incrementAndGet()))
			.withMessageContaining("'get'")
			.withMessageContaining(Outages.PERMISSIONS_PAGE);
		assertThat(loads).hasValue(0);
	}

	@Test
	void nearCacheWithoutClientTracking_refusesToStart_pointingToThePage() {
		LettuceConnectionFactory factory = user(granted("near-cache", "-client|tracking"));
		assertThatIllegalStateException()
			.isThrownBy(() -> this.caches
				.add(RedisCache.create(factory, CacheConfig.builder().keyPrefix(PREFIX).nearCache(true).build())))
			.withMessageContaining("CLIENT TRACKING")
			.withMessageContaining(Outages.PERMISSIONS_PAGE);
	}

	// ---------------------------------------------------------------- credentials

	/**
	 * Issue 26: with a wrong password, a fail-open {@code remember} answered from the
	 * loader on every call, hiding the configuration error. Now it throws, says what to
	 * fix, and the cache notes the refusal for the health check.
	 */
	@Test
	void wrongPassword_makesRememberThrow_neverRunningTheLoader() {
		granted("remember");
		LettuceConnectionFactory factory = factory("remember-user", "not-the-password");
		RedisCache cache = cacheFor(factory, CacheConfig.builder().failOpen(true));
		AtomicInteger loads = new AtomicInteger();
		for (int i = 0; i < 3; i++) {
			assertThatExceptionOfType(DataAccessException.class)
				.isThrownBy(() -> cache.remember("k", Duration.ofSeconds(10), String.class,
						() -> "v" + loads.incrementAndGet()))
				.withMessageContaining("WRONGPASS")
				.withMessageContaining("spring.data.redis.password")
				.satisfies((ex) -> assertThat(Outages.reason(ex)).isEqualTo("WRONGPASS"))
				.satisfies((ex) -> assertThat(Outages.isOutage(ex)).isFalse());
		}
		assertThat(loads).as("loader runs").hasValue(0);
		RedisDoor door = CacheInternals.core(cache).door();
		assertThat(door.lastRefusal()).isNotNull()
			.satisfies((refusal) -> assertThat(refusal.reason()).isEqualTo("WRONGPASS"));
		// Lettuce closes the connection whose AUTH was refused, and now and then that
		// close fails the attempt before the refusal does (seen once in a full run): it
		// is
		// the same configuration error, not an outage
		RuntimeException closedEarly = door.translate(new RedisConnectionFailureException("Unable to connect to Redis",
				new RedisConnectionException("Connection closed prematurely")));
		assertThat(Outages.isOutage(closedEarly)).isFalse();
		assertThat(Outages.reason(closedEarly)).isEqualTo("WRONGPASS");
		assertThat(closedEarly).hasMessageContaining("spring.data.redis.password");
	}

	// ---------------------------------------------------------------- helpers

	/**
	 * Creates (or resets) the feature's user: the connection rules, the feature's, more.
	 */
	private static String granted(String feature, String... more) {
		String user = feature + "-user";
		List<String> command = new ArrayList<>(List.of("ACL", "SETUSER", user, "reset", "on", ">secret",
				"~" + PREFIX + ":*", "resetchannels", "&" + PREFIX + ":*"));
		command.addAll(List.of(rules.get("connection").split("\\s+")));
		command.addAll(List.of(rules.get(feature).split("\\s+")));
		command.addAll(List.of(more));
		assertThat(server.command(command.toArray(new String[0]))).isEqualTo("+OK");
		return user;
	}

	private static String aclLog() {
		return server.command("ACL", "LOG");
	}

	private LettuceConnectionFactory user(String name) {
		return factory(name, "secret");
	}

	private LettuceConnectionFactory factory(String user, String password) {
		RedisStandaloneConfiguration standalone = new RedisStandaloneConfiguration(server.host(), server.port());
		standalone.setUsername(user);
		standalone.setPassword(RedisPassword.of(password));
		LettuceConnectionFactory factory = new LettuceConnectionFactory(standalone,
				LettuceClientConfiguration.builder().commandTimeout(Duration.ofSeconds(5)).build());
		factory.afterPropertiesSet();
		factory.start();
		this.factories.add(factory);
		return factory;
	}

	private RedisCache cacheFor(LettuceConnectionFactory factory) {
		return cacheFor(factory, CacheConfig.builder());
	}

	private RedisCache cacheFor(LettuceConnectionFactory factory, CacheConfig.Builder options) {
		RedisCache cache = RedisCache.create(factory,
				options.keyPrefix(PREFIX).lockRetryInterval(Duration.ofMillis(20)).build());
		this.caches.add(cache);
		return cache;
	}

}
