package io.github.saasframework.cache.internal.lock;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import io.github.saasframework.cache.internal.Arguments;
import io.github.saasframework.cache.internal.redis.RedisDoor;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.Message;
import org.springframework.data.redis.connection.MessageListener;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.Subscription;

/**
 * The threads of one root cache that wait for locks, and the wake-up a release sends
 * them.
 * <p>
 * The release script publishes on the lock's channel ({@code <lock key>:released}); one
 * connection of this cache's own listens on the channels of the locks that have waiters
 * here (subscribed when the first thread starts waiting for a lock, unsubscribed a while
 * after the last one stopped). The notification only shortens the wait: every waiter
 * still polls at the retry interval, so a lost message (or an expiry, or a release by a
 * process that does not publish) costs latency, never correctness.
 * <p>
 * Waiters of one lock in this process queue in arrival order and only the head attempts
 * to acquire, so a thread that just released (or a newcomer) cannot overtake the threads
 * that waited before it here; across processes the heads race, woken by the same message.
 */
final class LockWaiters implements MessageListener, AutoCloseable {

	private static final Log logger = LogFactory.getLog(LockWaiters.class);

	/** How long a channel stays subscribed after its last waiter left. */
	private static final long LINGER_MILLIS = 2000;

	private final RedisDoor door;

	private final Map<String, Queue> queues = new ConcurrentHashMap<>();

	private final ScheduledThreadPoolExecutor subscriber;

	private @Nullable RedisConnection connection;

	private boolean closed;

	LockWaiters(RedisDoor door) {
		this.door = door;
		this.subscriber = new ScheduledThreadPoolExecutor(1, (runnable) -> {
			Thread thread = new Thread(runnable, "cache-lock-subscriber");
			thread.setDaemon(true);
			return thread;
		});
	}

	/** The channel a release of {@code redisKey} publishes on. */
	static String channel(String redisKey) {
		return redisKey + ":released";
	}

	/** Whether threads of this process wait for the lock on {@code channel}. */
	boolean hasWaiters(String channel) {
		Queue queue = this.queues.get(channel);
		if (queue == null) {
			return false;
		}
		synchronized (queue) {
			return !queue.tickets.isEmpty();
		}
	}

	/**
	 * Puts the calling thread in the queue of a lock. The first waiter of a lock starts
	 * listening to its channel on this cache's subscriber thread, never on the caller's:
	 * no waiter blocks behind another's connection set-up, and until the subscription is
	 * confirmed the waiters poll at the retry interval.
	 */
	Ticket enqueue(String channel) {
		Ticket ticket = new Ticket();
		Queue queue;
		boolean subscribe;
		while (true) {
			queue = this.queues.computeIfAbsent(channel, Queue::new);
			synchronized (queue) {
				if (queue.removed) {
					continue;
				}
				ticket.queue = queue;
				queue.tickets.addLast(ticket);
				subscribe = !queue.subscribed;
				queue.subscribed = true;
				break;
			}
		}
		if (subscribe) {
			subscribeLater(queue);
		}
		return ticket;
	}

	/** A notification: wakes the head waiter of the lock. */
	@Override
	public void onMessage(Message message, byte @Nullable [] pattern) {
		Queue queue = this.queues.get(new String(message.getChannel(), StandardCharsets.UTF_8));
		if (queue != null) {
			synchronized (queue) {
				queue.notifications++;
				queue.notifyAll();
			}
		}
	}

	/**
	 * Stops listening. The subscriber thread is interrupted first: it may be waiting for
	 * a connection to a server that does not answer, and it never holds this object's
	 * monitor while it does.
	 */
	@Override
	public void close() {
		this.subscriber.shutdownNow();
		RedisConnection current;
		synchronized (this) {
			this.closed = true;
			current = this.connection;
			this.connection = null;
		}
		if (current != null) {
			current.close();
		}
	}

	@Override
	public String toString() {
		return "LockWaiters[" + this.queues.size() + " locks]";
	}

	private void subscribeLater(Queue queue) {
		try {
			this.subscriber.execute(() -> subscribe(queue));
		}
		catch (RuntimeException ex) {
			// closed: the waiters poll
			synchronized (queue) {
				queue.subscribed = false;
			}
		}
	}

	/**
	 * Opens or extends the subscription. Runs on the subscriber thread only (the one
	 * thread that changes the subscription), and holds no monitor while a connection is
	 * opened.
	 */
	private void subscribe(Queue queue) {
		byte[] channel = queue.channel.getBytes(StandardCharsets.UTF_8);
		try {
			RedisConnection current;
			synchronized (this) {
				if (this.closed) {
					return;
				}
				current = this.connection;
			}
			Subscription subscription = (current != null) ? current.getSubscription() : null;
			if (subscription != null && subscription.isAlive()) {
				subscription.subscribe(channel);
			}
			else {
				if (current != null) {
					current.close();
				}
				RedisConnection opened = open(channel);
				synchronized (this) {
					if (this.closed) {
						opened.close();
						return;
					}
					this.connection = opened;
				}
			}
			synchronized (queue) {
				queue.listening = true;
			}
		}
		catch (RuntimeException ex) {
			// no notification for this lock: its waiters poll (no rights on the channel,
			// Redis
			// unreachable); the next first waiter tries again
			synchronized (queue) {
				queue.subscribed = false;
			}
			if (logger.isDebugEnabled()) {
				logger.debug("Cannot listen for releases of lock channel " + Arguments.quote(queue.channel)
						+ "; its waiters poll: " + ex);
			}
		}
	}

	/**
	 * A connection of this cache's own that listens on {@code channel}; more channels are
	 * added and removed through its subscription. With Lettuce the subscription survives
	 * reconnects (Lettuce subscribes again).
	 */
	private RedisConnection open(byte[] channel) {
		RedisConnection opened = this.door.factory().getConnection();
		try {
			opened.subscribe(this, channel);
			return opened;
		}
		catch (RuntimeException ex) {
			opened.close();
			throw ex;
		}
	}

	private void unsubscribeLater(Queue queue) {
		try {
			this.subscriber.schedule(() -> {
				// under this cache's subscription monitor, so that a new first waiter of
				// the
				// lock subscribes only after this unsubscribe
				synchronized (this) {
					synchronized (queue) {
						if (!queue.tickets.isEmpty() || queue.removed) {
							return;
						}
						queue.removed = true;
						this.queues.remove(queue.channel, queue);
					}
					if (queue.subscribed) {
						unsubscribe(queue.channel);
					}
				}
			}, LINGER_MILLIS, TimeUnit.MILLISECONDS);
		}
		catch (RuntimeException ex) {
			// closed
		}
	}

	private void unsubscribe(String channel) {
		try {
			synchronized (this) {
				RedisConnection current = this.connection;
				Subscription subscription = (current != null) ? current.getSubscription() : null;
				if (subscription != null && subscription.isAlive()) {
					subscription.unsubscribe(channel.getBytes(StandardCharsets.UTF_8));
				}
			}
		}
		catch (RuntimeException ex) {
			if (logger.isDebugEnabled()) {
				logger.debug("Cannot stop listening on lock channel " + Arguments.quote(channel) + ": " + ex);
			}
		}
	}

	/** The waiters of one lock. Its monitor guards its fields. */
	private static final class Queue {

		final String channel;

		final ArrayDeque<Ticket> tickets = new ArrayDeque<>();

		long notifications;

		boolean subscribed;

		boolean listening;

		long lastSubscribeNanos = System.nanoTime();

		boolean removed;

		Queue(String channel) {
			this.channel = channel;
		}

	}

	/** One waiting thread's place in a lock's queue. */
	final class Ticket implements AutoCloseable {

		private Queue queue;

		/**
		 * Tries again to listen for the lock's releases if an earlier try failed (a
		 * connection that could not be set up in time, say), at most every 200 ms.
		 */
		void listen() {
			boolean retry;
			synchronized (this.queue) {
				long now = System.nanoTime();
				retry = !this.queue.listening && !this.queue.removed
						&& now - this.queue.lastSubscribeNanos > TimeUnit.MILLISECONDS.toNanos(200);
				if (retry) {
					this.queue.lastSubscribeNanos = now;
					this.queue.subscribed = true;
				}
			}
			if (retry) {
				subscribeLater(this.queue);
			}
		}

		/** Whether releases of this ticket's lock are notified to this process. */
		boolean isListening() {
			synchronized (this.queue) {
				return this.queue.listening;
			}
		}

		/** The number of notifications so far; pass it to {@link #await}. */
		long notifications() {
			synchronized (this.queue) {
				return this.queue.notifications;
			}
		}

		boolean isHead() {
			synchronized (this.queue) {
				return this.queue.tickets.peekFirst() == this;
			}
		}

		/**
		 * Waits until a release was notified after {@code seen}, this ticket became the
		 * head, or {@code nanos} passed.
		 */
		void await(long seen, boolean wasHead, long nanos) throws InterruptedException {
			long deadline = System.nanoTime() + nanos;
			synchronized (this.queue) {
				while (this.queue.notifications == seen && wasHead == (this.queue.tickets.peekFirst() == this)) {
					long remaining = deadline - System.nanoTime();
					if (remaining <= 0) {
						return;
					}
					TimeUnit.NANOSECONDS.timedWait(this.queue, remaining);
				}
			}
		}

		/** Leaves the queue; the next waiter becomes the head and attempts at once. */
		@Override
		public void close() {
			boolean empty;
			synchronized (this.queue) {
				this.queue.tickets.remove(this);
				this.queue.notifyAll();
				empty = this.queue.tickets.isEmpty();
			}
			if (empty) {
				unsubscribeLater(this.queue);
			}
		}

	}

}
