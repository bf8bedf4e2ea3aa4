package io.github.saasframework.cache.benchmarks;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.github.saasframework.cache.RedisCache;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import org.redisson.api.RBucket;
import org.redisson.api.RClientSideCaching;
import org.redisson.api.RedissonClient;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * How quickly a near cache sees a change made by another client, and what it reads
 * meanwhile; then hot-key throughput while the key keeps changing.
 * <p>
 * <b>Lag.</b> Another client (a plain Lettuce connection, as a service in another
 * language would be) writes a new version of the hot key with a plain {@code SET},
 * {@code changes} times (after 1 000 unmeasured ones), waiting between changes until the
 * first reader has seen the new version (at most 1 s: then the change counts as a
 * timeout) and then 1 ms more. Two reader threads in this JVM poll {@code get} of the key
 * about every 50 µs each (the poll interval bounds the resolution) on our cache with the
 * near cache on, and separately on Redisson's {@code RClientSideCaching} bucket. One
 * sample is the time from the {@code SET}'s reply to the first reader's first read that
 * returned the new version (0 when it saw it before the writer had the reply); the second
 * reader is there so that one thread may be filling the near cache while the other reads.
 * Also counted, over both readers: <i>stale</i> reads (a read that returned an older
 * version than the same reader had already seen: the change had been observed, yet the
 * old value came back) and, for ours, reads that began after our near cache had reported
 * the invalidation of the key (through
 * {@code CacheMetricsRecorder.recordNearCacheInvalidations}, which it calls after
 * removing the entry) and still returned the old version. Both must be 0. Results
 * {@code CoherenceLagHarness.ours|redisson}: primary the p99 in ms; secondary
 * {@code p50}, {@code max}, {@code stale}, {@code staleAfterInvalidation} (-1: not
 * observable), {@code timeouts}, {@code changes}, {@code nearHits} (reads our near cache
 * answered from memory; -1 for Redisson).
 * <p>
 * <b>Rewrites.</b> {@value #READERS} reader threads {@code get} the hot key for a fixed
 * time while another client rewrites it {@value #REWRITES_PER_SECOND} times a second:
 * ops/s of ours (near cache on), Redisson's {@code RClientSideCaching} and raw Lettuce
 * ({@code GET} + Jackson). Results {@code CoherenceLagHarness.rewrites.<contender>}:
 * primary ops/s; secondary {@code rewrites} (per second, as achieved) and {@code stale}
 * (reads older than one the same reader had already seen).
 */
public final class CoherenceLagHarness {

	static final String NAME = "CoherenceLagHarness";

	static final int READERS = 4;

	static final int REWRITES_PER_SECOND = 100;

	/**
	 * Unmeasured changes first, for each contender: with 50, the first contender (ours)
	 * ran in a JVM whose JIT had not yet compiled its read and invalidation paths (p50
	 * 0.66-0.73 ms alone against 0.32-0.42 ms after 1 000).
	 */
	private static final int WARMUP_CHANGES = 1000;

	private static final long POLL_NANOS = TimeUnit.MICROSECONDS.toNanos(50);

	private static final long CHANGE_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(1);

	private static final long PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

	private static final int MAX_TIMEOUTS = 20;

	private static final String KEY = "coherence";

	private static final String REWRITTEN_KEY = "rewritten";

	private final JsonMapper mapper = JsonMapper.builder().build();

	private final int changes;

	private final Duration warmUp;

	private final Duration measurement;

	/**
	 * Creates the harness.
	 * @param changes how many changes the lag is measured over
	 * @param warmUp how long the readers run before their throughput is measured
	 * @param measurement how long the throughput is measured per contender
	 */
	public CoherenceLagHarness(int changes, Duration warmUp, Duration measurement) {
		this.changes = changes;
		this.warmUp = warmUp;
		this.measurement = measurement;
	}

	/**
	 * Measures lag and throughput of every contender and writes the results.
	 * @param lagOut the JSON file of the lag results
	 * @param rewritesOut the JSON file of the throughput results
	 * @throws Exception if a contender fails
	 */
	public void run(Path lagOut, Path rewritesOut) throws Exception {
		Map<String, List<double[]>> lags = new LinkedHashMap<>();
		Map<String, List<double[]>> rewrites = new LinkedHashMap<>();
		LettuceConnectionFactory factory = Connections.connectionFactory();
		NearCacheCounters counters = new NearCacheCounters();
		try (RedisCache cache = Connections.ourNearCache(factory, NearContenders.PREFIX, counters)) {
			VersionReader ours = () -> cache.get(KEY, NearPayload.class).map(NearPayload::version).orElse(-1);
			lags.put("ours", List.of(lag("ours", NearContenders.PREFIX + ":" + KEY, ours, counters)));
			// the throughput of ours is measured without counting (one volatile read per
			// call)
			counters.stopCounting();
			VersionReader rewritten = () -> cache.get(REWRITTEN_KEY, NearPayload.class)
				.map(NearPayload::version)
				.orElse(-1);
			rewrites.put("rewrites.ours",
					List.of(rewrites("ours", NearContenders.PREFIX + ":" + REWRITTEN_KEY, rewritten)));
		}
		finally {
			factory.destroy();
		}
		RedissonClient redisson = Connections.redissonResp3();
		RClientSideCaching caching = NearContenders.clientSideCaching(redisson);
		try {
			RBucket<NearPayload> bucket = caching.getBucket("redisson:" + KEY, NearContenders.codec());
			RBucket<NearPayload> rewrittenBucket = caching.getBucket("redisson:" + REWRITTEN_KEY,
					NearContenders.codec());
			lags.put("redisson", List.of(lag("redisson", "redisson:" + KEY, () -> version(bucket.get()), null)));
			rewrites.put("rewrites.redisson",
					List.of(rewrites("redisson", "redisson:" + REWRITTEN_KEY, () -> version(rewrittenBucket.get()))));
		}
		finally {
			caching.destroy();
			redisson.shutdown();
		}
		RedisClient client = Connections.lettuceClient();
		try (StatefulRedisConnection<byte[], byte[]> connection = client.connect(ByteArrayCodec.INSTANCE)) {
			RedisCommands<byte[], byte[]> commands = connection.sync();
			byte[] key = ("lettuce:" + REWRITTEN_KEY).getBytes();
			VersionReader raw = () -> {
				byte[] bytes = commands.get(key);
				return (bytes != null) ? this.mapper.readValue(bytes, NearPayload.class).version() : -1;
			};
			rewrites.put("rewrites.lettuce", List.of(rewrites("lettuce", "lettuce:" + REWRITTEN_KEY, raw)));
		}
		finally {
			client.shutdown();
		}
		lagResults().write(lags, lagOut);
		rewriteResults().write(rewrites, rewritesOut);
	}

	/** How the lag runs are written: the values of {@code lag} in their order. */
	static HarnessResults lagResults() {
		return new HarnessResults(NAME, "sample", "ms (p99)").secondary("p50", "ms")
			.secondary("max", "ms")
			.secondary("stale", "#")
			.secondary("staleAfterInvalidation", "#")
			.secondary("timeouts", "#")
			.secondary("changes", "#")
			.secondary("nearHits", "#");
	}

	/** How the throughput runs are written: the values of {@code rewrites} in order. */
	static HarnessResults rewriteResults() {
		return new HarnessResults(NAME, "thrpt", "ops/s").secondary("rewrites", "1/s").secondary("stale", "#");
	}

	/**
	 * One lag run: p99, p50, max (ms), stale, stale after invalidation, timeouts,
	 * changes, near hits.
	 */
	private double[] lag(String contender, String redisKey, VersionReader reader, NearCacheCounters counters)
			throws Exception {
		int total = WARMUP_CHANGES + this.changes;
		long[] replyAt = new long[total + 1];
		boolean[] timedOut = new boolean[total + 1];
		ChangeSignal signal = new ChangeSignal();
		if (counters != null) {
			// the writer names a version just before it sends its SET, so an invalidation
			// reported after that is the one of this version (unless the report of the
			// previous one came more than the 1 ms pause late)
			counters.onInvalidation(() -> signal.invalidatedVersion = signal.sentVersion);
		}
		long hitsBefore = (counters != null) ? counters.hits() : 0;
		RedisClient client = Connections.lettuceClient();
		Poller poller = new Poller(reader, signal, total);
		Thread thread = new Thread(poller, "coherence-reader-" + contender);
		int timeouts = 0;
		int missed = 0;
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			RedisCommands<String, String> writer = connection.sync();
			writer.set(redisKey, json(0));
			if (reader.read() != 0) {
				throw new IllegalStateException(contender + " does not read version 0 of key '" + redisKey + "'");
			}
			thread.start();
			for (int version = 1; version <= total; version++) {
				String value = json(version);
				signal.sentVersion = version;
				writer.set(redisKey, value);
				replyAt[version] = System.nanoTime();
				long deadline = replyAt[version] + CHANGE_TIMEOUT_NANOS;
				while (poller.seen < version && System.nanoTime() - deadline < 0) {
					LockSupport.parkNanos(POLL_NANOS / 2);
				}
				if (poller.failure != null) {
					throw new IllegalStateException(contender + " reader failed", poller.failure);
				}
				if (poller.seen < version) {
					timedOut[version] = true;
					missed++;
					if (version > WARMUP_CHANGES) {
						timeouts++;
					}
					if (missed >= MAX_TIMEOUTS) {
						// every change left counts as a timeout
						System.out.printf(Locale.ROOT, "coherence %s: gave up after %d timeouts (1 s each)%n",
								contender, missed);
						timeouts += total - Math.max(version, WARMUP_CHANGES);
						Arrays.fill(timedOut, version, total + 1, true);
						break;
					}
				}
				LockSupport.parkNanos(PAUSE_NANOS);
			}
		}
		finally {
			poller.running = false;
			thread.join(TimeUnit.SECONDS.toMillis(10));
			client.shutdown();
			if (counters != null) {
				counters.onInvalidation(() -> {
				});
			}
		}
		double[] lags = new double[this.changes];
		int measured = 0;
		for (int version = WARMUP_CHANGES + 1; version <= total; version++) {
			if (!timedOut[version]) {
				lags[measured++] = Math.max(0, poller.seenAt[version] - replyAt[version]) / 1e6;
			}
		}
		lags = Arrays.copyOf(lags, measured);
		Arrays.sort(lags);
		double nearHits = (counters != null) ? counters.hits() - hitsBefore : -1;
		double[] result = { percentile(lags, 99), percentile(lags, 50),
				(lags.length > 0) ? lags[lags.length - 1] : Double.NaN, poller.stale,
				(counters != null) ? poller.staleAfterInvalidation : -1, timeouts, this.changes, nearHits };
		System.out.printf(Locale.ROOT,
				"coherence %s: p50 %.3f ms, p99 %.3f ms, max %.3f ms over %d changes; %d stale reads, "
						+ "%s stale after invalidation, %d timeouts; %d reads%s%n",
				contender, result[1], result[0], result[2], this.changes, poller.stale,
				(counters != null) ? String.valueOf(poller.staleAfterInvalidation) : "n/a", timeouts, poller.reads,
				(counters != null) ? String.format(Locale.ROOT, ", %.0f from near-cache memory", nearHits) : "");
		return result;
	}

	/** One throughput run: ops/s, rewrites/s, stale reads. */
	private double[] rewrites(String contender, String redisKey, VersionReader reader) throws Exception {
		RedisClient client = Connections.lettuceClient();
		Rewriter rewriter;
		List<Reader> readers = new ArrayList<>();
		List<Thread> threads = new ArrayList<>();
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			RedisCommands<String, String> commands = connection.sync();
			commands.set(redisKey, json(0));
			rewriter = new Rewriter(commands, redisKey);
			Thread rewriterThread = new Thread(rewriter, "rewriter-" + contender);
			for (int i = 0; i < READERS; i++) {
				Reader r = new Reader(reader);
				readers.add(r);
				threads.add(new Thread(r, "hot-key-reader-" + contender + "-" + i));
			}
			rewriterThread.start();
			threads.forEach(Thread::start);
			Thread.sleep(this.warmUp.toMillis());
			long rewritesBefore = rewriter.count;
			long start = System.nanoTime();
			readers.forEach((r) -> r.measuring = true);
			Thread.sleep(this.measurement.toMillis());
			readers.forEach((r) -> r.measuring = false);
			double seconds = (System.nanoTime() - start) / 1e9;
			long rewritesDone = rewriter.count - rewritesBefore;
			readers.forEach((r) -> r.running = false);
			rewriter.running = false;
			for (Thread thread : threads) {
				thread.join(TimeUnit.SECONDS.toMillis(10));
			}
			rewriterThread.join(TimeUnit.SECONDS.toMillis(10));
			long ops = 0;
			long stale = 0;
			for (Reader r : readers) {
				if (r.failure != null) {
					throw new IllegalStateException(contender + " reader failed", r.failure);
				}
				ops += r.ops;
				stale += r.stale;
			}
			double[] result = { ops / seconds, rewritesDone / seconds, stale };
			System.out.printf(Locale.ROOT,
					"hot key under rewrites %s: %.0f ops/s (%d readers, %.0f rewrites/s), " + "%d stale reads%n",
					contender, result[0], READERS, result[1], stale);
			return result;
		}
		finally {
			client.shutdown();
		}
	}

	private static int version(NearPayload payload) {
		return (payload != null) ? payload.version() : -1;
	}

	private String json(int version) {
		return this.mapper.writeValueAsString(NearPayload.sample(version));
	}

	private static double percentile(double[] sorted, int percent) {
		if (sorted.length == 0) {
			return Double.NaN;
		}
		int index = (int) Math.ceil(percent / 100.0 * sorted.length) - 1;
		return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
	}

	/** Reads the version of the hot key, -1 when there is none. */
	@FunctionalInterface
	private interface VersionReader {

		int read();

	}

	/** What the writer has sent, and what the near cache has reported invalidated. */
	private static final class ChangeSignal {

		volatile int sentVersion;

		volatile int invalidatedVersion;

	}

	/** A reader thread of the lag runs. */
	private static final class Poller implements Runnable {

		private final VersionReader reader;

		private final ChangeSignal signal;

		final long[] seenAt;

		volatile boolean running = true;

		volatile int seen;

		long stale;

		long staleAfterInvalidation;

		long reads;

		volatile Throwable failure;

		Poller(VersionReader reader, ChangeSignal signal, int total) {
			this.reader = reader;
			this.signal = signal;
			this.seenAt = new long[total + 1];
		}

		@Override
		public void run() {
			try {
				poll();
			}
			catch (Throwable ex) {
				this.failure = ex;
			}
		}

		private void poll() {
			int newest = 0;
			while (this.running) {
				int invalidated = this.signal.invalidatedVersion;
				int version = this.reader.read();
				long now = System.nanoTime();
				this.reads++;
				if (version < newest) {
					this.stale++;
				}
				else if (version > newest) {
					for (int v = newest + 1; v <= version && v < this.seenAt.length; v++) {
						this.seenAt[v] = now;
					}
					newest = version;
					this.seen = version;
				}
				if (version < invalidated) {
					this.staleAfterInvalidation++;
				}
				LockSupport.parkNanos(POLL_NANOS);
			}
		}

	}

	/** Rewrites the hot key at a fixed rate with a new version each time. */
	private final class Rewriter implements Runnable {

		private final RedisCommands<String, String> commands;

		private final String key;

		volatile boolean running = true;

		volatile long count;

		Rewriter(RedisCommands<String, String> commands, String key) {
			this.commands = commands;
			this.key = key;
		}

		@Override
		public void run() {
			long interval = TimeUnit.SECONDS.toNanos(1) / REWRITES_PER_SECOND;
			long next = System.nanoTime();
			int version = 0;
			while (this.running) {
				next += interval;
				long wait;
				while (this.running && (wait = next - System.nanoTime()) > 0) {
					LockSupport.parkNanos(wait);
				}
				this.commands.set(this.key, json(++version));
				this.count++;
			}
		}

	}

	/** A reader thread of the rewrite runs. */
	private static final class Reader implements Runnable {

		private final VersionReader reader;

		volatile boolean running = true;

		volatile boolean measuring;

		long ops;

		long stale;

		Throwable failure;

		Reader(VersionReader reader) {
			this.reader = reader;
		}

		@Override
		public void run() {
			int newest = -1;
			// counted in locals: fields of readers allocated side by side would share a
			// cache line, and millions of writes a second to it would slow every reader
			long ops = 0;
			long stale = 0;
			try {
				while (this.running) {
					int version = this.reader.read();
					if (version < newest) {
						stale++;
					}
					newest = Math.max(newest, version);
					if (this.measuring) {
						ops++;
					}
				}
			}
			catch (Throwable ex) {
				this.failure = ex;
			}
			this.ops = ops;
			this.stale = stale;
		}

	}

}
