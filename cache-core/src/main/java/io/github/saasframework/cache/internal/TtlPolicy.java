package io.github.saasframework.cache.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;

import io.github.saasframework.cache.Cache;

/**
 * Turns the TTL a caller passes into the milliseconds sent to Redis:
 * {@link Duration#ZERO} means the default TTL, {@link Cache#NO_EXPIRY} (or anything too
 * long for Redis) means no expiry, and a positive sub-millisecond TTL is rounded up to
 * one millisecond. Entry TTLs may be shortened by a random jitter so that entries written
 * together do not expire together.
 */
public final class TtlPolicy {

	/** What {@link #millis(Duration)} returns for "no expiry". */
	public static final long PERSISTENT = -1;

	/**
	 * Redis keeps expiries as absolute Unix milliseconds in a signed 64-bit number; stay
	 * far below that so that {@code now + ttl} cannot overflow on the server.
	 */
	private static final long MAX_MILLIS = Long.MAX_VALUE / 4;

	/** The latest instant an expiry may be set to. */
	public static final Instant LATEST_EXPIRY = Instant.ofEpochMilli(MAX_MILLIS);

	/** The longest TTL Redis can keep (other than none). */
	public static final Duration LONGEST = Duration.ofMillis(MAX_MILLIS - 1);

	/**
	 * The longest lock lease: far beyond any real lease (a hundred years), and far below
	 * what Redis can hold.
	 */
	public static final Duration MAX_LEASE = Duration.ofDays(36_500);

	private final long defaultMillis;

	private final double jitter;

	public TtlPolicy(Duration defaultTtl, double jitter) {
		this.defaultMillis = toMillis(defaultTtl);
		this.jitter = jitter;
	}

	/** Milliseconds for a validated (non-negative) TTL, or {@link #PERSISTENT}. */
	public long millis(Duration ttl) {
		return ttl.isZero() ? this.defaultMillis : toMillis(ttl);
	}

	/**
	 * The TTL to write a cache entry with: {@code millis} shortened by up to the jitter
	 * fraction (never below 1 ms); persistent entries stay persistent.
	 */
	public long entryMillis(long millis) {
		if (this.jitter == 0 || millis == PERSISTENT) {
			return millis;
		}
		long cut = (long) (millis * this.jitter * ThreadLocalRandom.current().nextDouble());
		return Math.max(1, millis - cut);
	}

	public long defaultMillis() {
		return this.defaultMillis;
	}

	/**
	 * Checks a TTL a caller passes: not null, not negative, and either
	 * {@link Cache#NO_EXPIRY} or short enough for Redis to keep (a longer one used to be
	 * sent as something Redis deletes the key for, or overflowed after the command was
	 * sent).
	 * @throws IllegalArgumentException naming the argument
	 */
	public static Duration check(Duration ttl, String name) {
		Arguments.requireTtl(ttl, name);
		Arguments.require(ttl.equals(Cache.NO_EXPIRY) || ttl.compareTo(LONGEST) <= 0,
				"%s is longer than Redis can keep (at most %s); use Cache.NO_EXPIRY for no expiry: %s", name, LONGEST,
				ttl);
		return ttl;
	}

	public static long toMillis(Duration ttl) {
		if (ttl.getSeconds() >= MAX_MILLIS / 1000) {
			return PERSISTENT;
		}
		long millis = ttl.toMillis();
		if (millis == 0 && !ttl.isZero()) {
			return 1;
		}
		return millis;
	}

}
