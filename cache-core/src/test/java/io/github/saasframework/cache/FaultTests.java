package io.github.saasframework.cache;

import io.github.saasframework.cache.internal.redis.Outages;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.saasframework.cache.serializer.CacheSerializationException;
import io.github.saasframework.cache.testsupport.RedisServerExtension;
import io.github.saasframework.cache.testsupport.RedisServerProcess;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.dao.DataAccessException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.data.redis.connection.RedisPassword;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Promises kept under faults, each on a {@code redis-server} of the test's own: errors
 * that are not outages are never hidden by fail-open (WRONGTYPE, NOPERM from an ACL user,
 * OOM under {@code maxmemory}), a stalled server ({@code SIGSTOP}) makes a large
 * {@code setAll} fail after at most one chunk, durations and patterns that would destroy
 * data are refused before anything is sent, and stored values never reach a message.
 */
class FaultTests {

	private static final Duration COMMAND_TIMEOUT = Duration.ofMillis(500);

	private RedisServerProcess server;

	private LettuceConnectionFactory factory;

	private final CountingRecorder recorder = new CountingRecorder();

	@BeforeEach
	void start() {
		this.server = RedisServerProcess.start();
		this.factory = RedisServerExtension.connectionFactory(this.server, COMMAND_TIMEOUT);
	}

	@AfterEach
	void stop() throws Exception {
		signal("-CONT");
		this.factory.destroy();
		this.server.stop();
	}

	private RedisCache cache(CacheConfig.Builder options) {
		return RedisCache.create(this.factory, options.keyPrefix("fault").metricsRecorder(this.recorder).build());
	}

	// ---------------------------------------------------------------- fail-open scope

	@Test
	void failOpen_wrongType_propagatesInsteadOfRunningTheLoaderOnEveryCall() {
		RedisCache cache = cache(CacheConfig.builder().failOpen(true));
		this.server.command("HSET", "fault:user:1", "name", "ada");
		AtomicInteger loads = new AtomicInteger();
		assertThatExceptionOfType(DataAccessException.class)
			.isThrownBy(
					() -> cache.remember("user:1", Duration.ZERO, String.class, () -> "v" + loads.incrementAndGet()))
			.satisfies((ex) -> assertThat(Outages.describe(ex)).startsWith("WRONGTYPE"))
			.satisfies((ex) -> assertThat(Outages.reason(ex)).isEqualTo("WRONGTYPE"));
		assertThat(loads).hasValue(0);
		assertThat(this.recorder.failOpen).hasValue(0);
	}

	@Test
	void failOpen_aclUserWithoutRights_propagatesNoPerm() {
		this.server.command("ACL", "SETUSER", "reader", "on", ">secret", "~*", "+@all", "-get");
		RedisStandaloneConfiguration standalone = new RedisStandaloneConfiguration(this.server.host(),
				this.server.port());
		standalone.setUsername("reader");
		standalone.setPassword(RedisPassword.of("secret"));
		// the authenticated handshake can take longer than 500 ms on a cold JVM
		LettuceConnectionFactory limited = new LettuceConnectionFactory(standalone,
				LettuceClientConfiguration.builder().commandTimeout(Duration.ofSeconds(10)).build());
		limited.afterPropertiesSet();
		limited.start();
		try {
			RedisCache cache = RedisCache.create(limited,
					CacheConfig.builder().keyPrefix("fault").failOpen(true).metricsRecorder(this.recorder).build());
			AtomicInteger loads = new AtomicInteger();
			assertThatExceptionOfType(DataAccessException.class)
				.isThrownBy(() -> cache.remember("k", Duration.ZERO, String.class, () -> "v" + loads.incrementAndGet()))
				.satisfies((ex) -> assertThat(Outages.reason(ex)).isEqualTo("NOPERM"));
			assertThat(loads).hasValue(0);
			assertThat(this.recorder.failOpen).hasValue(0);
		}
		finally {
			limited.destroy();
		}
	}

	@Test
	void failOpen_outOfMemory_propagatesOom() {
		RedisCache cache = cache(CacheConfig.builder().failOpen(true));
		this.server.command("CONFIG", "SET", "maxmemory-policy", "noeviction");
		this.server.command("CONFIG", "SET", "maxmemory", "1");
		AtomicInteger loads = new AtomicInteger();
		assertThatExceptionOfType(DataAccessException.class)
			.isThrownBy(() -> cache.remember("k", Duration.ZERO, String.class, () -> "v" + loads.incrementAndGet()))
			.satisfies((ex) -> assertThat(Outages.reason(ex)).isEqualTo("OOM"));
		// the load lease (SET NX) is refused first: the loader never runs, and nothing
		// pretends Redis were away
		assertThat(loads).hasValue(0);
		assertThat(this.recorder.failOpen).hasValue(0);
		this.server.command("CONFIG", "SET", "maxmemory", "0");
	}

	@Test
	void commandTimeout_shorterThanTheFactorys_boundsEveryWaitOfTheCache() throws Exception {
		RedisCache cache = cache(CacheConfig.builder().failOpen(true).commandTimeout(Duration.ofMillis(150)));
		cache.set("warm", "v");
		signal("-STOP");
		try {
			assertThatExceptionOfType(QueryTimeoutException.class).isThrownBy(() -> cache.get("warm", String.class))
				.withStackTraceContaining("after 150 millisecond(s)");
			// the asynchronous door adds the timer of its own: the factory's is longer
			assertThat(cache.async().set("other", "v", Duration.ofMinutes(1))).failsWithin(Duration.ofSeconds(30))
				.withThrowableOfType(ExecutionException.class)
				.withCauseInstanceOf(QueryTimeoutException.class)
				.withStackTraceContaining("after 150 millisecond(s)");
			assertThat(cache.remember("k", Duration.ZERO, String.class, () -> "loaded")).isEqualTo("loaded");
			assertThat(Outages.reason(this.recorder.lastFailure)).isEqualTo("timeout");
		}
		finally {
			signal("-CONT");
		}
		// longer than the factory's: the factory's
		RedisCache longer = cache(CacheConfig.builder().commandTimeout(Duration.ofMinutes(1)));
		signal("-STOP");
		try {
			assertThatExceptionOfType(QueryTimeoutException.class).isThrownBy(() -> longer.get("warm", String.class))
				.withStackTraceContaining("after 500 millisecond(s)");
		}
		finally {
			signal("-CONT");
		}
		assertThat(cache.get("warm", String.class)).contains("v");
	}

	@Test
	void failOpen_stalledServer_isAnOutage_answeredWithTheReason() throws Exception {
		RedisCache cache = cache(CacheConfig.builder().failOpen(true));
		cache.set("warm", "v");
		signal("-STOP");
		assertThat(cache.remember("k", Duration.ZERO, String.class, () -> "loaded")).isEqualTo("loaded");
		signal("-CONT");
		assertThat(this.recorder.failOpen).hasValue(1);
		assertThat(this.recorder.lastFailure).isNotNull();
		assertThat(Outages.isOutage(this.recorder.lastFailure)).isTrue();
		assertThat(Outages.reason(this.recorder.lastFailure)).isEqualTo("timeout");
	}

	// ---------------------------------------------------------------- setAll under a
	// stall

	@Test
	void setAll_serverStalled_failsAfterOneChunkAndWritesAtMostTheChunksSent() throws Exception {
		RedisCache cache = cache(CacheConfig.builder().batchChunkSize(500));
		Map<String, String> items = new LinkedHashMap<>();
		for (int i = 0; i < 20_000; i++) {
			items.put("bulk:" + i, "v" + i);
		}
		signal("-STOP");
		assertThatExceptionOfType(DataAccessException.class)
			.isThrownBy(() -> cache.setAll(items, Duration.ofMinutes(5)));
		signal("-CONT");
		// whatever the stalled server still had queued is applied once it resumes; wait
		// until it has answered a command sent after them
		Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.ignoreExceptions()
			.until(() -> this.server.command("PING").equals("+PONG"));
		long written = Long.parseLong(this.server.command("DBSIZE").substring(1));
		// before chunking, the whole batch of 20 000 was written after the caller had
		// been told it failed
		assertThat(written).isLessThanOrEqualTo(500);
		// writing the same batch again is safe (on a factory with room for a busy
		// machine)
		LettuceConnectionFactory patient = RedisServerExtension.connectionFactory(this.server, Duration.ofSeconds(10));
		try {
			RedisCache.create(patient, CacheConfig.builder().keyPrefix("fault").build())
				.setAll(items, Duration.ofMinutes(5));
		}
		finally {
			patient.destroy();
		}
		assertThat(Long.parseLong(this.server.command("DBSIZE").substring(1))).isEqualTo(20_000);
	}

	@Test
	void getAll_ofManyKeys_serverStalled_failsAsAnOutage_andReadsEverythingOnceResumed() throws Exception {
		RedisCache cache = cache(CacheConfig.builder());
		Map<String, String> items = new LinkedHashMap<>();
		for (int i = 0; i < 1000; i++) {
			items.put("many:" + i, "v" + i);
		}
		cache.setAll(items, Duration.ofMinutes(5));
		signal("-STOP");
		// read in parts of 128 keys: the first part's timeout ends the call
		assertThatExceptionOfType(DataAccessException.class)
			.isThrownBy(() -> cache.getAll(items.keySet(), String.class))
			.satisfies((ex) -> assertThat(Outages.reason(ex)).isEqualTo("timeout"));
		signal("-CONT");
		Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.ignoreExceptions()
			.until(() -> this.server.command("PING").equals("+PONG"));
		assertThat(cache.getAll(items.keySet(), String.class)).containsExactlyEntriesOf(items);
	}

	// ---------------------------------------------------------------- refused before
	// sending

	@Test
	void durationsRedisCannotHold_areRefusedBeforeAnythingIsSent() {
		RedisCache cache = cache(CacheConfig.builder());
		cache.set("kept", "v", Duration.ofMinutes(1));
		long commandsBefore = commands();
		assertThatIllegalArgumentException()
			.isThrownBy(() -> cache.set("kept", "other", Duration.ofSeconds(Long.MAX_VALUE)))
			.withMessageContaining("ttl is longer than Redis can keep");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> cache.setAll(Map.of("kept", "other"), Duration.ofDays(Long.MAX_VALUE / 86_400 / 2)))
			.withMessageContaining("ttl");
		assertThatIllegalArgumentException().isThrownBy(() -> cache.expire("kept", Duration.ofSeconds(Long.MAX_VALUE)))
			.withMessageContaining("ttl");
		assertThatIllegalArgumentException().isThrownBy(() -> cache.expireAt("kept", Instant.MAX))
			.withMessageContaining("when is later than Redis can keep");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> cache.remember("kept", Duration.ofSeconds(Long.MAX_VALUE), String.class, () -> "x"));
		assertThat(commands()).as("nothing was sent").isEqualTo(commandsBefore);
		assertThat(cache.get("kept", String.class)).contains("v");
		assertThat(cache.getTtl("kept"))
			.hasValueSatisfying((ttl) -> assertThat(ttl).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(1)));
		// the representable extremes still work: no expiry, and an instant long past
		cache.set("forever", "v", Cache.NO_EXPIRY);
		assertThat(cache.getTtl("forever")).contains(Cache.NO_EXPIRY);
		assertThat(cache.expireAt("forever", Instant.MIN)).isTrue();
		assertThat(cache.get("forever", String.class)).isEmpty();
	}

	@Test
	void deleteByPattern_matchAllWithoutPrefix_isRefusedLikeFlushPrefix() {
		RedisCache noPrefix = RedisCache.create(this.factory, CacheConfig.builder().build());
		this.server.command("SET", "other-app:key", "v");
		noPrefix.set("mine", "v");
		for (String pattern : new String[] { "*", "**", "?*", "*?" }) {
			assertThatIllegalArgumentException().isThrownBy(() -> noPrefix.deleteByPattern(pattern))
				.withMessageContaining("would empty the whole database");
		}
		assertThat(Long.parseLong(this.server.command("DBSIZE").substring(1))).isEqualTo(2);
		assertThat(noPrefix.deleteByPattern("mi*")).isOne();
		// with a prefix, '*' stays within it
		RedisCache prefixed = cache(CacheConfig.builder());
		prefixed.set("a", "v");
		assertThat(prefixed.deleteByPattern("*")).isOne();
		assertThat(this.server.command("EXISTS", "other-app:key")).isEqualTo(":1");
	}

	@Test
	void maxValueSize_largerValueRefusedBeforeSending_storedValueIntact() {
		RedisCache cache = cache(CacheConfig.builder().maxValueBytes(1024));
		cache.set("doc", "small");
		long commandsBefore = commands();
		assertThatIllegalArgumentException().isThrownBy(() -> cache.set("doc", "x".repeat(2000)))
			.withMessageContaining("'doc'")
			.withMessageContaining("2000 bytes")
			.withMessageContaining("1024");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> cache.setAll(Map.of("a", "small", "doc", "x".repeat(2000)), Duration.ZERO));
		assertThat(commands()).isEqualTo(commandsBefore);
		assertThat(cache.get("doc", String.class)).contains("small");
		assertThat(cache.exists("a")).isZero();
	}

	@Test
	void messages_escapeKeysAndNeverQuoteStoredValues() {
		RedisCache cache = cache(CacheConfig.builder());
		this.server.command("SET", "fault:line\nforged", "{\"age\":\"hunter2\"}");
		assertThatExceptionOfType(CacheSerializationException.class)
			.isThrownBy(() -> cache.get("line\nforged", Person.class))
			.satisfies((ex) -> assertThat(ex.getMessage()).contains("'line\\nforged'")
				.doesNotContain("\n")
				.doesNotContain("hunter2"));
	}

	// ---------------------------------------------------------------- helpers

	private long commands() {
		String stats = this.server.command("INFO", "stats");
		for (String line : stats.split("\r\n")) {
			if (line.startsWith("total_commands_processed:")) {
				// minus the INFO command itself
				return Long.parseLong(line.substring(line.indexOf(':') + 1).trim()) - countInfoCalls.incrementAndGet();
			}
		}
		throw new IllegalStateException("no total_commands_processed in INFO stats");
	}

	private final AtomicInteger countInfoCalls = new AtomicInteger();

	private void signal(String signal) throws IOException, InterruptedException {
		Process kill = new ProcessBuilder("kill", signal, Long.toString(this.server.pid())).start();
		assertThat(kill.waitFor(5, TimeUnit.SECONDS)).isTrue();
	}

	record Person(String name, int age) {
	}

	static final class CountingRecorder implements CacheMetricsRecorder {

		final AtomicInteger failOpen = new AtomicInteger();

		volatile Throwable lastFailure;

		@Override
		public void recordFailOpen(String prefix, Throwable failure) {
			this.failOpen.incrementAndGet();
			this.lastFailure = failure;
		}

	}

}
