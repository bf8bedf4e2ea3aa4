package io.github.saasframework.cache.internal.near;

import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StatefulRedisConnectionImpl;
import io.lettuce.core.TrackingArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.push.PushListener;
import io.lettuce.core.api.push.PushMessage;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.event.ClusterTopologyChangedEvent;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.protocol.ProtocolVersion;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import io.github.saasframework.cache.internal.ThrottledLog;
import io.github.saasframework.cache.internal.redis.LuaScripts;
import io.github.saasframework.cache.internal.redis.Outages;
import io.github.saasframework.cache.internal.redis.StoredEntry;
import reactor.core.Disposable;

import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The connections that keep a {@link NearCache} coherent: one RESP3 connection per master
 * (the server of a standalone or Sentinel setup, every master of a cluster), each with
 * {@code CLIENT TRACKING on BCAST PREFIX <prefix>}, so that Redis pushes an invalidation
 * for every change of a key under the prefix. Near misses read through the same
 * connection.
 * <p>
 * Why broadcasting mode rather than the default mode: the default mode tracks the keys a
 * connection read, so every read that may be kept would have to go through that one
 * connection and Redis would keep a table of the keys read by every client; broadcasting
 * needs no server memory per key, and invalidations of keys this process never read are
 * one small push each, dropped by a hash lookup.
 * <p>
 * A connection that drops, fails its heartbeat or belongs to a master that left the
 * topology makes the near cache {@link TrackingListener#lost() lose everything}; its node
 * keeps no reads until tracking is on again (Lettuce reconnects, then tracking is
 * switched off and on anew). A new cluster topology empties the near cache too, and new
 * masters get a connection.
 * <p>
 * <b>Redis down at startup.</b> Opening the connections is tried once while the cache is
 * created; when Redis cannot be reached (or does not answer within a few seconds) the
 * cache starts without tracking and the attempt is repeated every second in the
 * background, as is opening the connection of a cluster master that could not be reached
 * later. Until a master's tracking is confirmed its keys are read from Redis and nothing
 * is kept. What will not heal by waiting (no Lettuce, RESP2 only, {@code CLIENT TRACKING}
 * refused) is a {@link NearCacheUnavailableException}: thrown when found while the cache
 * is created, logged as an error and the near cache left off when found later.
 */
abstract class NearCacheTracking implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(NearCacheTracking.class);

	private static final long HEARTBEAT_MILLIS = 1000;

	/** Pause between two attempts to open the tracking connections. */
	private static final long RETRY_MILLIS = 1000;

	/** The longest the cache's creation waits for the first attempt. */
	private static final long STARTUP_WAIT_MILLIS = 5000;

	final TrackingListener near;

	final String prefix;

	final RedisConnectionFactory factory;

	final ScheduledExecutorService scheduler;

	/**
	 * The longest a command of a tracking connection (switching tracking on, the
	 * heartbeat) waits: the cache's command timeout.
	 */
	final Duration timeout;

	private final ThrottledLog warnings = new ThrottledLog(NearCacheTracking.class);

	volatile boolean closed;

	/**
	 * The outcome of the first attempt to open the connections: done when they are open
	 * or Redis could not be reached (then later attempts follow), failed with a
	 * {@link NearCacheUnavailableException}.
	 */
	private final CompletableFuture<Void> firstAttempt = new CompletableFuture<>();

	NearCacheTracking(RedisConnectionFactory factory, String prefix, TrackingListener near, Duration timeout) {
		this.factory = factory;
		this.timeout = timeout;
		this.prefix = prefix;
		this.near = near;
		this.scheduler = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "near-cache-tracking");
			thread.setDaemon(true);
			return thread;
		});
	}

	/**
	 * Opens the tracking connection(s) for the factory's topology and switches tracking
	 * on; when Redis cannot be reached, returns without them and opens them in the
	 * background once Redis answers.
	 * @throws NearCacheUnavailableException if the factory is not Lettuce's, the
	 * connection does not speak RESP3, or Redis refuses tracking
	 */
	static NearCacheTracking start(RedisConnectionFactory factory, String prefix, TrackingListener near,
			Duration timeout) {
		if (!(factory instanceof LettuceConnectionFactory lettuce)) {
			throw new NearCacheUnavailableException(
					"The near cache needs Lettuce (its RESP3 client tracking keeps it coherent);"
							+ " the connection factory is a " + factory.getClass().getName(),
					"use Lettuce, Spring Boot's default Redis client");
		}
		AbstractRedisClient client = lettuce.getRequiredNativeClient();
		NearCacheTracking tracking;
		if (client instanceof RedisClusterClient cluster) {
			tracking = new Cluster(factory, prefix, near, timeout, cluster);
		}
		else if (client instanceof RedisClient single) {
			tracking = new Single(factory, prefix, near, timeout, single);
		}
		else {
			throw new NearCacheUnavailableException(
					"The near cache does not support Lettuce client " + client.getClass().getName(),
					"use a standalone, Sentinel or cluster connection factory");
		}
		tracking.scheduler.execute(tracking::attempt);
		try {
			tracking.firstAttempt.get(Math.min(lettuce.getTimeout() * 2 + 1000, STARTUP_WAIT_MILLIS),
					TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			tracking.close();
			if (ex.getCause() instanceof NearCacheUnavailableException unavailable) {
				throw unavailable;
			}
			throw new IllegalStateException("The near cache could not start", ex.getCause());
		}
		catch (TimeoutException ex) {
			// Redis answers slowly: the cache starts, tracking follows when Redis has
			// answered
			tracking.firstAttempt.whenComplete((opened, failure) -> {
				if (failure != null) {
					tracking.unavailable(failure);
				}
			});
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			tracking.close();
			throw new IllegalStateException("Interrupted while starting the near cache", ex);
		}
		tracking.scheduler.scheduleWithFixedDelay(tracking::heartbeat, HEARTBEAT_MILLIS, HEARTBEAT_MILLIS,
				TimeUnit.MILLISECONDS);
		return tracking;
	}

	/**
	 * One attempt to open the connections, on the scheduler: on success tracking is on
	 * (or a master's is switched on by the heartbeat); Redis not reachable: tried again
	 * after a pause; a reason that will not heal: given up.
	 */
	private void attempt() {
		if (this.closed) {
			return;
		}
		try {
			open();
		}
		catch (NearCacheUnavailableException ex) {
			release();
			if (!this.firstAttempt.completeExceptionally(ex)) {
				unavailable(ex);
			}
			return;
		}
		catch (RuntimeException ex) {
			release();
			if (this.closed) {
				return;
			}
			if (this.firstAttempt.complete(null)) {
				logger.warn("Near cache: Redis could not be reached (" + ex.getMessage()
						+ "); the cache starts without client tracking and switches it on when Redis answers."
						+ " Until then every read goes to Redis and nothing is kept in memory");
			}
			else {
				warn("Near cache: Redis still cannot be reached; client tracking is switched on when it answers", ex);
			}
			this.scheduler.schedule(this::attempt, RETRY_MILLIS, TimeUnit.MILLISECONDS);
			return;
		}
		if (this.closed) {
			release();
		}
		else if (!this.firstAttempt.complete(null)) {
			logger.info("Near cache: Redis answered; the tracking connection is open");
		}
	}

	/** A reason that will not heal, found after the cache was created: stay off. */
	private void unavailable(Throwable failure) {
		String remedy = (failure instanceof NearCacheUnavailableException unavailable) ? unavailable.remedy()
				: "check the logs above";
		logger.error("Near cache: switched off: " + failure.getMessage() + ". Every read goes to Redis and"
				+ " nothing is kept in memory. Switch the near cache off (app.cache.near.enabled=false with"
				+ " Spring Boot), or " + remedy + ", and restart", failure);
	}

	/** Opens the connections and switches tracking on (blocking). */
	abstract void open();

	/** The node to read a key through so that its changes are reported. */
	abstract @Nullable Node nodeFor(byte[] raw);

	abstract Iterable<Node> nodes();

	abstract void closeConnections();

	/** Checks every connection; re-enables tracking where it is off. */
	void heartbeat() {
		for (Node node : nodes()) {
			node.heartbeat();
		}
	}

	void warn(String message, @Nullable Throwable cause) {
		this.warnings.warn(() -> message + ((cause != null) ? ": " + cause : ""));
	}

	@Override
	public void close() {
		this.closed = true;
		this.scheduler.shutdownNow();
		release();
	}

	/**
	 * Detaches every node and closes the connections, so that a later attempt starts
	 * anew.
	 */
	void release() {
		try {
			for (Node node : nodes()) {
				node.detach();
			}
		}
		finally {
			closeConnections();
		}
	}

	TrackingArgs trackingArgs() {
		TrackingArgs args = TrackingArgs.Builder.enabled().bcast();
		return this.prefix.isEmpty() ? args : args.prefixes(StandardCharsets.UTF_8, this.prefix);
	}

	/**
	 * Opens a tracking connection; a failure (Redis not reachable) says what could not be
	 * opened.
	 */
	static <C> C openConnection(java.util.function.Supplier<C> opener) {
		try {
			return opener.get();
		}
		catch (RuntimeException ex) {
			throw new IllegalStateException("The near cache could not open its tracking connection: " + ex, ex);
		}
	}

	static void requireResp3(StatefulRedisConnection<byte[], byte[]> connection, String where) {
		if (connection instanceof StatefulRedisConnectionImpl<?, ?> impl) {
			ProtocolVersion version = impl.getConnectionState().getNegotiatedProtocolVersion();
			if (version != null && version != ProtocolVersion.RESP3) {
				throw new NearCacheUnavailableException("The near cache needs RESP3 (Redis 6 or later, and a Lettuce"
						+ " client that is not limited to RESP2): the connection to " + where + " speaks " + version,
						"use Redis 6 or later, and leave Lettuce's protocol version at its default (RESP3 where the"
								+ " server speaks it)");
			}
		}
	}

	/**
	 * One tracking connection: the server it reaches reports every change of a key under
	 * the prefix on it; near misses of keys it serves are read through it.
	 */
	final class Node implements PushListener, RedisConnectionStateListener {

		private final StatefulRedisConnection<byte[], byte[]> connection;

		private final String name;

		private volatile boolean up;

		/**
		 * Bumped by every change of state, so that a late reply of an old attempt is
		 * ignored.
		 */
		private long attempt;

		private boolean enabling;

		/**
		 * The reads sent through this connection and not answered yet (counted before
		 * they are handed to Lettuce).
		 */
		private final AtomicLong reading = new AtomicLong();

		/**
		 * Held while a read's placeholder is put and the read handed to Lettuce, so that
		 * the reads of a key leave in the order of their placeholders.
		 */
		private final ReentrantLock sendOrder = new ReentrantLock();

		Node(StatefulRedisConnection<byte[], byte[]> connection, String name) {
			this.connection = connection;
			this.name = name;
			// the cache's timeout when it is the shorter (nothing set the client's): a
			// tracking connection that stopped answering is found within it, and the
			// memory emptied, not a minute later
			if (NearCacheTracking.this.timeout.compareTo(connection.getTimeout()) < 0) {
				connection.setTimeout(NearCacheTracking.this.timeout);
			}
		}

		boolean isUp() {
			return this.up;
		}

		/**
		 * The lock to hold while a read is reserved in memory and sent through this
		 * connection (see {@code NearCachedStore}).
		 * @return the lock
		 */
		ReentrantLock sendOrder() {
			return this.sendOrder;
		}

		/**
		 * Listens and switches tracking on; blocks until Redis answered. A refusal is
		 * thrown; any other failure (a timeout, a lost connection) leaves the node down
		 * for the heartbeat to try again.
		 * @throws NearCacheUnavailableException if the connection is not RESP3 or Redis
		 * refuses tracking
		 */
		void attach() {
			requireResp3(this.connection, this.name);
			this.connection.addListener((PushListener) this);
			this.connection.addListener((RedisConnectionStateListener) this);
			try {
				enable().get(this.connection.getTimeout().toMillis() * 2 + 1000, TimeUnit.MILLISECONDS);
			}
			catch (ExecutionException ex) {
				Throwable cause = (ex.getCause() instanceof CompletionException && ex.getCause().getCause() != null)
						? ex.getCause().getCause() : ex.getCause();
				if (refusedForGood(cause)) {
					throw refused(cause);
				}
			}
			catch (TimeoutException ex) {
				// the heartbeat switches it on once Redis answers
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted while switching on client tracking on " + this.name, ex);
			}
		}

		/**
		 * Whether Redis answered the tracking command with an error that asking again
		 * will not change: {@code NOPERM} (an ACL), {@code ERR} (no such command or
		 * option).
		 */
		private static boolean refusedForGood(@Nullable Throwable cause) {
			String message = (cause instanceof RedisCommandExecutionException) ? cause.getMessage() : null;
			return message != null && (message.startsWith("NOPERM") || message.startsWith("ERR"));
		}

		private NearCacheUnavailableException refused(Throwable cause) {
			return new NearCacheUnavailableException("The near cache needs client tracking (CLIENT TRACKING, Redis 6"
					+ " or later, and the right to run it), and " + this.name + " refused it: " + cause.getMessage()
					+ "; the commands each feature needs are listed in " + Outages.PERMISSIONS_PAGE,
					"grant the Redis user the right to run CLIENT TRACKING (ACL: +client|tracking)", cause);
		}

		void detach() {
			this.connection.removeListener((PushListener) this);
			this.connection.removeListener((RedisConnectionStateListener) this);
			down();
		}

		/**
		 * Switches tracking off and on again (a connection that reconnected has none; one
		 * that failed its heartbeat may have missed nothing, but it cannot be told), and
		 * lets the node keep reads again once Redis confirmed.
		 */
		CompletableFuture<String> enable() {
			long current;
			synchronized (this) {
				current = ++this.attempt;
				this.enabling = true;
			}
			CompletableFuture<String> result = this.connection.async()
				.clientTracking(TrackingArgs.Builder.enabled(false))
				.thenCompose((off) -> this.connection.async().clientTracking(trackingArgs()))
				.toCompletableFuture()
				.orTimeout(this.connection.getTimeout().toMillis() * 2 + 1000, TimeUnit.MILLISECONDS);
			result.whenComplete((reply, failure) -> {
				synchronized (this) {
					if (current != this.attempt || NearCacheTracking.this.closed) {
						return;
					}
					this.enabling = false;
					if (failure == null) {
						// reads from now on may be kept: a new epoch first, then up
						NearCacheTracking.this.near.started();
						this.up = true;
					}
				}
				if (failure != null) {
					warn("Near cache: client tracking could not be switched on for " + this.name
							+ "; its keys are read from Redis until it is", failure);
				}
			});
			return result;
		}

		/** Tracking is lost: nothing kept may be served, no read begun may be kept. */
		void down() {
			synchronized (this) {
				this.attempt++;
				this.enabling = false;
				this.up = false;
			}
			NearCacheTracking.this.near.lost();
		}

		void heartbeat() {
			if (NearCacheTracking.this.closed || !this.connection.isOpen()) {
				return;
			}
			boolean retry;
			synchronized (this) {
				retry = !this.up && !this.enabling;
			}
			if (retry) {
				enable();
				return;
			}
			this.connection.async()
				.ping()
				.toCompletableFuture()
				.orTimeout(this.connection.getTimeout().toMillis(), TimeUnit.MILLISECONDS)
				.whenComplete((pong, failure) -> {
					if (failure != null && this.up) {
						warn("Near cache: the tracking connection to " + this.name
								+ " did not answer its heartbeat; the near cache was emptied", failure);
						down();
					}
				});
		}

		@Override
		public void onPushMessage(PushMessage message) {
			if (!"invalidate".equals(message.getType())) {
				return;
			}
			List<Object> content = message.getContent(NearCacheTracking::utf8);
			Object keys = (content.size() > 1) ? content.get(1) : null;
			if (keys instanceof List<?> list) {
				List<String> redisKeys = new ArrayList<>(list.size());
				for (Object key : list) {
					if (key instanceof String text) {
						redisKeys.add(text);
					}
				}
				NearCacheTracking.this.near.invalidated(redisKeys);
			}
			else {
				// a null key list: the database was flushed
				NearCacheTracking.this.near.lost();
			}
		}

		@Override
		public void onRedisConnected(RedisChannelHandler<?, ?> handler, SocketAddress address) {
			if (handler == this.connection && !NearCacheTracking.this.closed) {
				// queued behind the handshake: runs once the connection is usable again
				enable();
			}
		}

		@Override
		public void onRedisDisconnected(RedisChannelHandler<?, ?> handler) {
			if (handler == this.connection) {
				down();
			}
		}

		/**
		 * Sends a read again with the script's source, after Redis answered that it does
		 * not hold the script (a new server, a restart, {@code SCRIPT FLUSH}). The retry
		 * leaves this connection after any read sent later than the first attempt, which
		 * may have been answered with the script and an older value than the retry's: so
		 * when another read is in flight, no read begun before now may be kept (a new
		 * epoch), and reads begun from now on leave after the retry. A read alone on the
		 * connection (the first after a server started) is passed by none and kept as
		 * usual. Runs on the connection's event loop, before the replies that follow the
		 * refusal.
		 */
		private CompletableFuture<@Nullable List<Object>> again(byte[][] keys) {
			CompletableFuture<@Nullable List<Object>> retry = this.connection.async()
				.<@Nullable List<Object>>eval(LuaScripts.GET_WITH_TTL.source(), ScriptOutputType.MULTI, keys)
				.toCompletableFuture();
			if (this.reading.get() > 1) {
				// another read is on its way (or about to leave): it may have passed this
				// one
				NearCacheTracking.this.near.started();
			}
			return retry;
		}

		/**
		 * Reads a key's value and remaining TTL through this connection, so that this
		 * server reports the key's later changes here.
		 * @return the entry, or {@code null} in the future when the key does not exist;
		 * fails with {@link NotServedHere} when this server does not serve the key's slot
		 */
		CompletableFuture<@Nullable StoredEntry> read(byte[] raw) {
			byte[][] keys = { raw };
			this.reading.incrementAndGet();
			CompletableFuture<@Nullable List<Object>> reply;
			try {
				reply = this.connection.async()
					.<@Nullable List<Object>>evalsha(LuaScripts.GET_WITH_TTL.sha1(), ScriptOutputType.MULTI, keys)
					.toCompletableFuture();
			}
			catch (RuntimeException ex) {
				this.reading.decrementAndGet();
				throw ex;
			}
			return reply.exceptionallyCompose(
					(failure) -> LuaScripts.isNoScript(failure) ? again(keys) : CompletableFuture.failedFuture(failure))
				.handle((value, failure) -> {
					this.reading.decrementAndGet();
					if (failure != null) {
						throw translate(failure);
					}
					return StoredEntry.of(value);
				});
		}

	}

	/** The server that was asked does not serve the key (MOVED / ASK). */
	static final class NotServedHere extends RuntimeException {

		private static final long serialVersionUID = 1L;

		NotServedHere() {
			super(null, null, false, false);
		}

	}

	/**
	 * A read's failure: {@link NotServedHere} for MOVED / ASK, else as Spring Data
	 * translates it.
	 */
	CompletionException translate(Throwable failure) {
		Throwable ex = (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause()
				: failure;
		if (ex instanceof RedisCommandExecutionException && ex.getMessage() != null
				&& (ex.getMessage().startsWith("MOVED") || ex.getMessage().startsWith("ASK"))) {
			return new CompletionException(new NotServedHere());
		}
		if (ex instanceof RuntimeException runtime) {
			DataAccessException translated = this.factory.translateExceptionIfPossible(runtime);
			return new CompletionException((translated != null) ? translated : runtime);
		}
		return new CompletionException(ex);
	}

	private static Object utf8(ByteBuffer buffer) {
		return StandardCharsets.UTF_8.decode(buffer).toString();
	}

	/**
	 * A standalone server, or the master that Sentinel names (found again on reconnect).
	 */
	private static final class Single extends NearCacheTracking {

		private final RedisClient client;

		private volatile @Nullable StatefulRedisConnection<byte[], byte[]> connection;

		private volatile @Nullable Node node;

		Single(RedisConnectionFactory factory, String prefix, TrackingListener near, Duration timeout,
				RedisClient client) {
			super(factory, prefix, near, timeout);
			this.client = client;
		}

		@Override
		void open() {
			StatefulRedisConnection<byte[], byte[]> opened = openConnection(
					() -> this.client.connect(ByteArrayCodec.INSTANCE));
			this.connection = opened;
			// before it is on: the heartbeat switches on what the first attempt could not
			Node single = new Node(opened, "Redis");
			this.node = single;
			single.attach();
		}

		@Override
		@Nullable Node nodeFor(byte[] raw) {
			return this.node;
		}

		@Override
		Iterable<Node> nodes() {
			Node single = this.node;
			return (single != null) ? List.of(single) : List.of();
		}

		@Override
		void closeConnections() {
			StatefulRedisConnection<byte[], byte[]> opened = this.connection;
			this.node = null;
			this.connection = null;
			if (opened != null) {
				opened.close();
			}
		}

	}

	/**
	 * Every master of a Redis Cluster, each through the node connection of a cluster
	 * connection of its own; a new topology empties the near cache and connects new
	 * masters.
	 */
	private static final class Cluster extends NearCacheTracking {

		private final RedisClusterClient client;

		private final Map<String, Node> nodes = new ConcurrentHashMap<>();

		private volatile @Nullable StatefulRedisClusterConnection<byte[], byte[]> connection;

		private volatile @Nullable Disposable topologyEvents;

		Cluster(RedisConnectionFactory factory, String prefix, TrackingListener near, Duration timeout,
				RedisClusterClient client) {
			super(factory, prefix, near, timeout);
			this.client = client;
		}

		@Override
		void open() {
			this.connection = openConnection(() -> this.client.connect(ByteArrayCodec.INSTANCE));
			this.topologyEvents = this.client.getResources()
				.eventBus()
				.get()
				.filter(ClusterTopologyChangedEvent.class::isInstance)
				.subscribe((event) -> topologyChanged(((ClusterTopologyChangedEvent) event).after()));
			for (RedisClusterNode master : masters(this.client.getPartitions())) {
				try {
					connect(master).attach();
				}
				catch (NearCacheUnavailableException ex) {
					throw ex;
				}
				catch (RuntimeException ex) {
					// this master is not reachable now: the heartbeat connects it later
					warn("Near cache: could not open the tracking connection to cluster master " + master.getUri(), ex);
				}
			}
		}

		/** Also connects masters that have no tracking connection yet. */
		@Override
		void heartbeat() {
			super.heartbeat();
			if (this.closed || this.connection == null) {
				return;
			}
			List<RedisClusterNode> masters = masters(this.client.getPartitions());
			if (masters.stream().anyMatch((master) -> !this.nodes.containsKey(master.getNodeId()))) {
				trackMasters(masters);
			}
		}

		private static List<RedisClusterNode> masters(Iterable<RedisClusterNode> topology) {
			return java.util.stream.StreamSupport.stream(topology.spliterator(), false)
				.filter((node) -> node.is(RedisClusterNode.NodeFlag.UPSTREAM))
				.collect(Collectors.toList());
		}

		private Node connect(RedisClusterNode master) {
			StatefulRedisClusterConnection<byte[], byte[]> cluster = this.connection;
			if (cluster == null) {
				throw new IllegalStateException("The near cache's cluster connection is closed");
			}
			Node node = new Node(cluster.getConnection(master.getNodeId()), "cluster master " + master.getUri());
			this.nodes.put(master.getNodeId(), node);
			return node;
		}

		/** Slots may have moved: forget everything, track the masters there are now. */
		private void topologyChanged(List<RedisClusterNode> after) {
			if (this.closed) {
				return;
			}
			// at once, on the thread that tells: Lettuce routes by the new topology right
			// after this event
			this.near.lost();
			// connecting may block: not on that thread
			this.scheduler.execute(() -> trackMasters(masters(after)));
		}

		private void trackMasters(List<RedisClusterNode> masters) {
			if (this.closed) {
				return;
			}
			Set<String> current = masters.stream().map(RedisClusterNode::getNodeId).collect(Collectors.toSet());
			this.nodes.entrySet().removeIf((entry) -> {
				if (!current.contains(entry.getKey())) {
					entry.getValue().detach();
					return true;
				}
				return false;
			});
			for (RedisClusterNode master : masters) {
				if (!this.nodes.containsKey(master.getNodeId())) {
					try {
						connect(master).attach();
					}
					catch (RuntimeException ex) {
						warn("Near cache: could not track new cluster master " + master.getUri(), ex);
					}
				}
			}
		}

		@Override
		@Nullable Node nodeFor(byte[] raw) {
			if (this.connection == null || this.nodes.isEmpty()) {
				// not open (Redis not reached yet): the client may not know the topology
				return null;
			}
			RedisClusterNode master = this.client.getPartitions().getMasterBySlot(SlotHash.getSlot(raw));
			return (master != null) ? this.nodes.get(master.getNodeId()) : null;
		}

		@Override
		Iterable<Node> nodes() {
			return this.nodes.values();
		}

		@Override
		void closeConnections() {
			Disposable events = this.topologyEvents;
			this.topologyEvents = null;
			if (events != null) {
				events.dispose();
			}
			this.nodes.clear();
			StatefulRedisClusterConnection<byte[], byte[]> cluster = this.connection;
			this.connection = null;
			if (cluster != null) {
				cluster.close();
			}
		}

	}

}
