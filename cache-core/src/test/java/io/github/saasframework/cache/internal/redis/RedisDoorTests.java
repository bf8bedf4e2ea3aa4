package io.github.saasframework.cache.internal.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.stream.IntStream;

import io.github.saasframework.cache.testsupport.RedisServerProcess;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.TimeoutOptions;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.dao.DataAccessException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.data.redis.connection.RedisPassword;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.SetCondition;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.types.Expiration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * {@link RedisDoor}, the fast path of {@code get}, {@code set} and {@code getWithTtl} on
 * Lettuce's shared native connection, each test on a {@code redis-server} of its own: no
 * connection per call, the same replies, and under every fault the same exception class
 * as the path through the factory (a stalled server, a killed and restarted one,
 * WRONGTYPE, OOM, NOPERM), and calls that keep working after the factory resets, stops or
 * restarts its shared connection.
 */
class RedisDoorTests {

	private static final Duration COMMAND_TIMEOUT = Duration.ofMillis(500);

	private static final byte[] KEY = bytes("native:key");

	private static final byte[] VALUE = bytes("value");

	private RedisServerProcess server;

	private CountingConnectionFactory factory;

	private DoorCalls calls;

	@BeforeEach
	void start() {
		this.server = RedisServerProcess.start();
		this.factory = CountingConnectionFactory.start(configuration(), COMMAND_TIMEOUT);
		this.calls = new DoorCalls(this.factory);
	}

	@AfterEach
	void stop() throws Exception {
		if (this.server.isRunning()) {
			signal("-CONT");
		}
		this.factory.destroy();
		this.server.stop();
	}

	// ---------------------------------------------------------------- replies

	@Test
	void getSetGetWithTtl_answerAsThroughTheFactory_withoutAConnectionPerCall() throws Exception {
		assertThat(this.calls.get(KEY)).isNull();
		int connections = this.factory.connections();

		assertThat(this.calls.set(KEY, VALUE, 60_000, SetCondition.upsert())).isTrue();
		assertThat(this.calls.get(KEY)).isEqualTo(VALUE);
		assertThat(pTtl("native:key")).isBetween(1L, 60_000L);
		StoredEntry entry = this.calls.getWithTtl(KEY);
		assertThat(entry).isNotNull();
		assertThat(entry.bytes()).isEqualTo(VALUE);
		assertThat(entry.remainingMillis()).isBetween(1L, 60_000L);
		assertThat(this.calls.getWithTtl(bytes("native:missing"))).isNull();

		assertThat(this.calls.set(KEY, bytes("other"), 60_000, SetCondition.ifAbsent())).isFalse();
		assertThat(this.calls.set(bytes("native:absent"), bytes("other"), 60_000, SetCondition.ifPresent())).isFalse();
		assertThat(this.calls.set(KEY, bytes("present"), -1, SetCondition.ifPresent())).isTrue();
		assertThat(pTtl("native:key")).as("no expiry").isEqualTo(-1);
		StoredEntry persistent = this.calls.getWithTtl(KEY);
		assertThat(persistent).isNotNull();
		assertThat(persistent.remainingMillis()).isEqualTo(StoredEntry.NO_EXPIRY);
		assertThat(
				this.calls.evalAsync(LuaScripts.INCREMENT_WITH_TTL, bytes("native:counter"), bytes("1"), bytes("60000"))
					.get(5, TimeUnit.SECONDS))
			.isOne();

		assertThat(this.factory.connections()).as("no connection taken from the factory per call")
			.isEqualTo(connections);
		// the path through the factory reads what the fast path wrote, and the other way
		// round
		assertThat(this.calls.<byte[]>execute((connection) -> connection.stringCommands().get(KEY)))
			.isEqualTo(bytes("present"));
		this.calls.execute((connection) -> connection.stringCommands().set(KEY, VALUE));
		assertThat(this.calls.get(KEY)).isEqualTo(VALUE);
	}

	@Test
	void getWithTtl_scriptUnknownToTheServer_isLoadedByEval() {
		this.calls.set(KEY, VALUE, 60_000, SetCondition.upsert());
		assertThat(this.calls.getWithTtl(KEY)).isNotNull();
		this.server.command("SCRIPT", "FLUSH");
		StoredEntry entry = this.calls.getWithTtl(KEY);
		assertThat(entry).isNotNull();
		assertThat(entry.bytes()).isEqualTo(VALUE);
	}

	@Test
	void factoryWithoutSharedConnection_lendsTheDoorOneConnectionForEveryCall() {
		this.factory.setShareNativeConnection(false);
		DoorCalls own = new DoorCalls(this.factory);
		try {
			int connections = this.factory.connections();
			own.set(KEY, VALUE, 60_000, SetCondition.upsert());
			assertThat(own.get(KEY)).isEqualTo(VALUE);
			assertThat(own.getWithTtl(KEY)).isNotNull();
			assertThat(this.factory.connections()).as("one connection borrowed, kept for every call")
				.isEqualTo(connections + 1);
		}
		finally {
			own.door.close();
			this.factory.setShareNativeConnection(true);
		}
	}

	// ---------------------------------------------------------------- reset, stop

	@Test
	void factoryReset_callsWorkOnTheNewSharedConnection() throws Exception {
		this.calls.set(KEY, VALUE, 60_000, SetCondition.upsert());
		int connections = this.factory.connections();

		this.factory.resetConnection();
		assertThat(this.calls.get(KEY)).isEqualTo(VALUE);
		assertThat(this.factory.connections()).as("the new shared connection, fetched once").isEqualTo(connections + 1);
		assertThat(this.calls.set(KEY, bytes("again"), 60_000, SetCondition.upsert())).isTrue();
		assertThat(this.calls.getWithTtl(KEY)).isNotNull();

		this.factory.resetConnection();
		assertThat(this.calls.set(KEY, VALUE, 60_000, SetCondition.upsert())).isTrue();
		this.factory.resetConnection();
		assertThat(this.calls.getWithTtl(KEY)).isNotNull();
		this.factory.resetConnection();
		assertThat(
				this.calls.evalAsync(LuaScripts.INCREMENT_WITH_TTL, bytes("native:counter"), bytes("1"), bytes("60000"))
					.get(5, TimeUnit.SECONDS))
			.isOne();
		assertThat(this.factory.connections()).isEqualTo(connections + 4);
	}

	@Test
	void factoryResetUnderTraffic_neverLeaksACommandRefusedByTheClosedConnection() throws Exception {
		this.calls.set(KEY, VALUE, 60_000, SetCondition.upsert());
		int threadCount = 4;
		AtomicLongArray successes = new AtomicLongArray(threadCount);
		Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
		AtomicBoolean stop = new AtomicBoolean();
		ExecutorService threads = Executors.newFixedThreadPool(threadCount);
		try {
			List<Future<?>> running = new ArrayList<>();
			for (int t = 0; t < threadCount; t++) {
				int thread = t;
				running.add(threads.submit(() -> {
					while (!stop.get()) {
						try {
							this.calls.get(KEY);
							successes.incrementAndGet(thread);
						}
						catch (RuntimeException ex) {
							failures.add(ex);
						}
					}
				}));
			}
			for (int reset = 0; reset < 10; reset++) {
				long[] before = snapshot(successes);
				this.factory.resetConnection();
				// the next reset only once every thread has had an answer on the new
				// connection
				Awaitility.await()
					.atMost(Duration.ofSeconds(10))
					.until(() -> IntStream.range(0, threadCount)
						.allMatch((thread) -> successes.get(thread) > before[thread]));
			}
			stop.set(true);
			for (Future<?> thread : running) {
				thread.get(10, TimeUnit.SECONDS);
			}
		}
		finally {
			stop.set(true);
			threads.shutdownNow();
		}
		// a command cut off in flight by the close ("Connection closed") fails, as it
		// does through the factory; one the closed connection refused before writing it
		// is sent again on the new connection and never reaches the caller
		assertThat(failures)
			.noneSatisfy((failure) -> assertThat(Outages.describe(failure)).isEqualTo("Connection is closed"));
		assertThat(this.factory.connections()).as("one lookup per reset, whatever the number of threads")
			.isLessThanOrEqualTo(1 + 10);
	}

	@Test
	void factoryStoppedAndStarted_callsWork_destroyed_failAsThroughTheFactory() {
		this.calls.set(KEY, VALUE, 60_000, SetCondition.upsert());
		this.factory.stop();
		this.factory.start();
		assertThat(this.calls.get(KEY)).isEqualTo(VALUE);

		this.factory.destroy();
		assertThatIllegalStateException().isThrownBy(() -> this.calls.get(KEY)).withMessageContaining("destroyed");
		assertThatIllegalStateException().isThrownBy(this::oldGet).withMessageContaining("destroyed");
	}

	// ---------------------------------------------------------------- faults

	/**
	 * Every command that writes a key tells the listener (the near cache) before its
	 * caller learns the outcome: on success, on an error reply and on a timeout (the
	 * command may still be applied later). No write path can forget to invalidate.
	 */
	@Test
	void writes_tellTheListenerBeforeTheCallerLearnsTheOutcome_alsoOnFailureAndTimeout() throws Exception {
		List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
		RedisDoor door = new RedisDoor(this.factory, (key) -> heard.add(new String(key, StandardCharsets.UTF_8)));
		byte[] counter = bytes("native:counter");
		List<java.util.function.Supplier<java.util.concurrent.CompletableFuture<?>>> writes = List.of(
				() -> door.set(KEY, VALUE, 60_000, SetCondition.upsert()), () -> door.pExpire(KEY, 60_000),
				() -> door.pExpireAt(KEY, System.currentTimeMillis() + 60_000), () -> door.persist(KEY),
				() -> door.incrBy(counter, 1), () -> door.decrBy(counter, 1), () -> door.incrByFloat(counter, 1.5),
				() -> door.eval(LuaScripts.INCREMENT_WITH_TTL, bytes("native:window"), bytes("1"), bytes("1000")),
				() -> door.rename(KEY, bytes("native:renamed")), () -> door.unlink(bytes("native:renamed")));
		for (java.util.function.Supplier<java.util.concurrent.CompletableFuture<?>> write : writes) {
			heard.clear();
			door.await(write.get());
			assertThat(heard).as("told before await returned").isNotEmpty();
		}
		// an error reply: INCRBY on a value that is not an integer
		heard.clear();
		door.await(door.set(KEY, VALUE, 60_000, SetCondition.upsert()));
		heard.clear();
		assertThat(catchThrowable(() -> door.await(door.incrBy(KEY, 1)))).isInstanceOf(DataAccessException.class);
		assertThat(heard).containsExactly("native:key");
		// a timeout: the command may be applied once the server answers again
		signal("-STOP");
		heard.clear();
		assertThat(catchThrowable(() -> door.await(door.set(KEY, VALUE, 60_000, SetCondition.upsert()))))
			.isInstanceOf(QueryTimeoutException.class);
		signal("-CONT");
		assertThat(heard).containsExactly("native:key");
	}

	@Test
	void stalledServer_timesOutAsThroughTheFactory() throws Exception {
		this.calls.set(KEY, VALUE, 60_000, SetCondition.upsert());
		signal("-STOP");
		Throwable fastGet = fast(() -> this.calls.get(KEY));
		Throwable fastSet = fast(() -> this.calls.set(KEY, VALUE, 60_000, SetCondition.upsert()));
		Throwable oldGet = catchThrowable(this::oldGet);
		Throwable oldSet = catchThrowable(this::oldSet);
		signal("-CONT");
		assertThat(fastGet).isExactlyInstanceOf(QueryTimeoutException.class);
		assertSameFailure(fastGet, oldGet);
		assertSameFailure(fastSet, oldSet);
		assertThat(Outages.isOutage(fastGet)).isTrue();
		Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.ignoreExceptions()
			.until(() -> this.calls.set(KEY, VALUE, 60_000, SetCondition.upsert()));
		assertThat(this.calls.get(KEY)).isEqualTo(VALUE);
	}

	/**
	 * One timer per command, whoever owns it: a factory made without client options
	 * ({@code new LettuceConnectionFactory(configuration)}) leaves Lettuce's defaults,
	 * which time commands out, so the door adds none (it used to add a second one to
	 * every asynchronous command there); a client whose options switch the timeout off
	 * gets the door's. Either way a stalled server fails the future within the timeout.
	 */
	@Test
	@SuppressWarnings("deprecation") // setTimeout: the only short timeout without client
										// options
	void stalledServer_failsAnAsyncCallWithinTheTimeout_withOneTimer_whateverTheClientOptions() throws Exception {
		LettuceConnectionFactory defaults = new LettuceConnectionFactory(configuration());
		defaults.setTimeout(COMMAND_TIMEOUT.toMillis());
		LettuceConnectionFactory untimed = new LettuceConnectionFactory(configuration(),
				LettuceClientConfiguration.builder()
					.commandTimeout(COMMAND_TIMEOUT)
					.clientOptions(ClientOptions.builder()
						.timeoutOptions(TimeoutOptions.builder().timeoutCommands(false).build())
						.build())
					.build());
		List<LettuceConnectionFactory> factories = List.of(defaults, untimed);
		try {
			List<RedisDoor> doors = new ArrayList<>();
			for (LettuceConnectionFactory factory : factories) {
				factory.afterPropertiesSet();
				factory.start();
				RedisDoor door = new RedisDoor(factory, WriteListener.NONE);
				door.await(door.get(KEY));
				doors.add(door);
			}
			// two futures no command completes: the door's timer fails only the second
			CompletableFuture<byte[]> onDefaults = doors.get(0).bounded(new CompletableFuture<>());
			CompletableFuture<byte[]> onUntimed = doors.get(1).bounded(new CompletableFuture<>());
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> onUntimed.get(10, TimeUnit.SECONDS))
				.withCauseInstanceOf(java.util.concurrent.TimeoutException.class);
			assertThat(onDefaults).as("Lettuce times commands out: no second timer").isNotDone();
			signal("-STOP");
			for (RedisDoor door : doors) {
				CompletableFuture<byte[]> get = door.bounded(door.get(KEY));
				assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> get.get(10, TimeUnit.SECONDS))
					.satisfies((ex) -> assertThat(door.translate(ex)).isExactlyInstanceOf(QueryTimeoutException.class));
			}
		}
		finally {
			signal("-CONT");
			factories.forEach(LettuceConnectionFactory::destroy);
		}
	}

	@Test
	void serverKilled_failsAsThroughTheFactory_andWorksAgainAfterRestartOnTheSamePort() {
		this.calls.set(KEY, VALUE, 60_000, SetCondition.upsert());
		this.server.kill();
		Throwable fastGet = fast(() -> this.calls.get(KEY));
		Throwable oldGet = catchThrowable(this::oldGet);
		Throwable fastSet = fast(() -> this.calls.set(KEY, VALUE, 60_000, SetCondition.upsert()));
		Throwable oldSet = catchThrowable(this::oldSet);
		assertSameFailure(fastGet, oldGet);
		assertSameFailure(fastSet, oldSet);
		assertThat(Outages.isOutage(fastGet)).isTrue();

		this.server.restart();
		Awaitility.await()
			.atMost(Duration.ofSeconds(30))
			.ignoreExceptions()
			.until(() -> this.calls.set(KEY, bytes("after"), 60_000, SetCondition.upsert()));
		assertThat(this.calls.get(KEY)).isEqualTo(bytes("after"));
		// the restarted server knows no script: EVALSHA answers NOSCRIPT, EVAL loads it
		assertThat(this.calls.getWithTtl(KEY)).isNotNull();
	}

	@Test
	void wrongType_failsAsThroughTheFactory() {
		assertThat(this.calls.get(bytes("native:warm"))).isNull();
		this.server.command("RPUSH", "native:key", "a");
		Throwable fastGet = fast(() -> this.calls.get(KEY));
		Throwable fastGetWithTtl = fast(() -> this.calls.getWithTtl(KEY));
		assertSameFailure(fastGet, catchThrowable(this::oldGet));
		assertSameFailure(fastGetWithTtl, catchThrowable(this::oldGetWithTtl));
		assertThat(Outages.reason(fastGet)).isEqualTo("WRONGTYPE");
		assertThat(Outages.isOutage(fastGet)).isFalse();
	}

	@Test
	void outOfMemory_failsAsThroughTheFactory() {
		this.server.command("CONFIG", "SET", "maxmemory-policy", "noeviction");
		byte[] large = new byte[100_000];
		for (int i = 0; i < 20; i++) {
			this.calls.set(bytes("native:fill:" + i), large, -1, SetCondition.upsert());
		}
		this.server.command("CONFIG", "SET", "maxmemory", "1mb");
		Throwable fastSet = fast(() -> this.calls.set(KEY, VALUE, 60_000, SetCondition.upsert()));
		assertSameFailure(fastSet, catchThrowable(this::oldSet));
		assertThat(Outages.reason(fastSet)).isEqualTo("OOM");
		// a script without flags: whether Redis refuses it under OOM, it does so on both
		// paths
		Throwable fastGetWithTtl = fast(() -> this.calls.getWithTtl(KEY));
		Throwable oldGetWithTtl = catchThrowable(this::oldGetWithTtl);
		if (oldGetWithTtl != null) {
			assertSameFailure(fastGetWithTtl, oldGetWithTtl);
		}
		else {
			assertThat(fastGetWithTtl).isNull();
		}
		// reads are still allowed
		assertThat(this.calls.get(bytes("native:fill:0"))).hasSize(large.length);
	}

	@Test
	void aclUserWithoutRights_failsAsThroughTheFactory() {
		this.server.command("ACL", "SETUSER", "limited", "on", ">secret", "~*", "+@all", "-get", "-set");
		RedisStandaloneConfiguration standalone = configuration();
		standalone.setUsername("limited");
		standalone.setPassword(RedisPassword.of("secret"));
		// the authenticated handshake can take longer than 500 ms on a cold JVM
		CountingConnectionFactory limited = CountingConnectionFactory.start(standalone, Duration.ofSeconds(10));
		try {
			DoorCalls limitedCalls = new DoorCalls(limited);
			assertThat(limitedCalls.exists(KEY)).isZero();
			int connections = limited.connections();
			Throwable fastGet = catchThrowable(() -> limitedCalls.get(KEY));
			Throwable fastSet = catchThrowable(() -> limitedCalls.set(KEY, VALUE, 60_000, SetCondition.upsert()));
			Throwable fastGetWithTtl = catchThrowable(() -> limitedCalls.getWithTtl(KEY));
			assertThat(limited.connections()).as("no connection per call: the door looked the shared one up once")
				.isEqualTo(connections);
			assertSameFailure(fastGet,
					catchThrowable(() -> limitedCalls.execute((connection) -> connection.stringCommands().get(KEY))));
			assertSameFailure(fastSet,
					catchThrowable(() -> limitedCalls.execute((connection) -> connection.stringCommands()
						.set(KEY, VALUE, SetCondition.upsert(), Expiration.milliseconds(60_000)))));
			assertSameFailure(fastGetWithTtl, catchThrowable(
					() -> limitedCalls.execute((connection) -> DoorCalls.getWithTtlThroughSpring(connection, KEY))));
			assertThat(Outages.reason(fastGet)).isEqualTo("NOPERM");
			assertThat(Outages.reason(fastSet)).isEqualTo("NOPERM");
		}
		finally {
			limited.destroy();
		}
	}

	// ---------------------------------------------------------------- helpers

	/**
	 * The failure of a call that must take the fast path (no connection from the
	 * factory).
	 */
	private Throwable fast(ThrowingCallable call) {
		int connections = this.factory.connections();
		Throwable failure = catchThrowable(call);
		assertThat(this.factory.connections()).as("the call took the fast path").isEqualTo(connections);
		return failure;
	}

	private static void assertSameFailure(Throwable fast, Throwable throughFactory) {
		assertThat(throughFactory).as("failure through the factory").isInstanceOf(DataAccessException.class);
		assertThat(fast).as("failure on the fast path").isExactlyInstanceOf(throughFactory.getClass());
		assertThat(fast.getCause()).isNotNull().isExactlyInstanceOf(throughFactory.getCause().getClass());
		assertThat(Outages.reason(fast)).isEqualTo(Outages.reason(throughFactory));
		assertThat(Outages.isOutage(fast)).isEqualTo(Outages.isOutage(throughFactory));
	}

	private static long[] snapshot(AtomicLongArray counters) {
		long[] values = new long[counters.length()];
		for (int i = 0; i < values.length; i++) {
			values[i] = counters.get(i);
		}
		return values;
	}

	private byte[] oldGet() {
		return this.calls.execute((connection) -> connection.stringCommands().get(KEY));
	}

	private Boolean oldSet() {
		return this.calls.execute((connection) -> connection.stringCommands()
			.set(KEY, VALUE, SetCondition.upsert(), Expiration.milliseconds(60_000)));
	}

	private List<Object> oldGetWithTtl() {
		return this.calls.execute((connection) -> DoorCalls.getWithTtlThroughSpring(connection, KEY));
	}

	private long pTtl(String key) {
		return Long.parseLong(this.server.command("PTTL", key).substring(1));
	}

	private RedisStandaloneConfiguration configuration() {
		return new RedisStandaloneConfiguration(this.server.host(), this.server.port());
	}

	private void signal(String signal) throws Exception {
		Process kill = new ProcessBuilder("kill", signal, Long.toString(this.server.pid())).start();
		assertThat(kill.waitFor(5, TimeUnit.SECONDS)).isTrue();
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
