package io.github.saasframework.cache.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * A warning (or error) that is logged at most once per interval (30 seconds unless told
 * otherwise): failures that may repeat on every call (Redis down, a reload that keeps
 * failing) are counted by meters and logged now and then, never once per call.
 * Thread-safe.
 */
public final class ThrottledLog {

	/** The interval the library's repeated warnings use. */
	public static final long DEFAULT_INTERVAL_SECONDS = 30;

	private final Log logger;

	private final long intervalNanos;

	private final AtomicLong last;

	/**
	 * A throttled log at the default interval.
	 * @param category the logger's category
	 */
	public ThrottledLog(Class<?> category) {
		this(category, DEFAULT_INTERVAL_SECONDS, TimeUnit.SECONDS);
	}

	/**
	 * A throttled log.
	 * @param category the logger's category
	 * @param interval how often at most
	 * @param unit the unit of {@code interval}
	 */
	public ThrottledLog(Class<?> category, long interval, TimeUnit unit) {
		this.logger = LogFactory.getLog(category);
		this.intervalNanos = unit.toNanos(interval);
		this.last = new AtomicLong(System.nanoTime() - this.intervalNanos);
	}

	/**
	 * Logs the message at WARN unless a message was logged less than an interval ago. The
	 * message is built only when it is logged.
	 * @param message the message, without the note on throttling (added here)
	 * @return whether it was logged
	 */
	public boolean warn(Supplier<String> message) {
		long now = System.nanoTime();
		long previous = this.last.get();
		if (now - previous < this.intervalNanos || !this.last.compareAndSet(previous, now)) {
			return false;
		}
		this.logger.warn(message.get() + " (further such warnings within "
				+ TimeUnit.NANOSECONDS.toSeconds(this.intervalNanos) + " s are counted, not logged)");
		return true;
	}

	/**
	 * Logs the message at ERROR, as one line (no stack trace), unless a message was
	 * logged less than an interval ago: for a configuration error that fails every call
	 * until someone fixes it.
	 * @param message the message, without the note on throttling (added here)
	 * @return whether it was logged
	 */
	public boolean error(Supplier<String> message) {
		long now = System.nanoTime();
		long previous = this.last.get();
		if (now - previous < this.intervalNanos || !this.last.compareAndSet(previous, now)) {
			return false;
		}
		this.logger.error(message.get() + " (repeats within " + TimeUnit.NANOSECONDS.toSeconds(this.intervalNanos)
				+ " s are not logged)");
		return true;
	}

}
