package io.github.saasframework.cache;

import java.time.Duration;
import java.util.function.Predicate;

import io.github.saasframework.cache.internal.Arguments;
import io.github.saasframework.cache.internal.TtlPolicy;
import org.jspecify.annotations.Nullable;

/**
 * Per-call settings of {@link Cache#remember(String, RememberPolicy, Class, Callable)}:
 * the TTL of the stored value, whether a {@code null} result is stored as a marker, a
 * veto on storing a loaded value, and refresh-ahead. Immutable; each {@code with}-style
 * method returns a copy.
 *
 * <pre>{@code
 * cache.remember("user:" + id, RememberPolicy.ttl(Duration.ofMinutes(5)).unless(User::isDraft),
 *         User.class, () -> repository.find(id));
 *
 * // reloaded in the background once a hit finds it older than 4 minutes
 * cache.remember("rates", RememberPolicy.ttl(Duration.ofMinutes(5)).refreshAfter(Duration.ofMinutes(4)),
 *         Rates.class, rateService::fetch);
 * }</pre>
 *
 * @since 0.2.0
 */
public final class RememberPolicy {

	private static final RememberPolicy DEFAULT_TTL = new RememberPolicy(Duration.ZERO, null, null, Duration.ZERO);

	private final Duration ttl;

	private final @Nullable Boolean cacheNulls;

	private final @Nullable Predicate<Object> unless;

	private final Duration refreshAfter;

	private RememberPolicy(Duration ttl, @Nullable Boolean cacheNulls, @Nullable Predicate<Object> unless,
			Duration refreshAfter) {
		this.ttl = ttl;
		this.cacheNulls = cacheNulls;
		this.unless = unless;
		this.refreshAfter = refreshAfter;
	}

	/**
	 * Values stored with the cache's default TTL.
	 * @return the policy
	 */
	public static RememberPolicy defaultTtl() {
		return DEFAULT_TTL;
	}

	/**
	 * Values stored with the given TTL.
	 * @param ttl positive; {@link Duration#ZERO} for the cache's default TTL;
	 * {@link Cache#NO_EXPIRY} for none
	 * @return the policy
	 * @throws IllegalArgumentException if {@code ttl} is null or negative
	 */
	public static RememberPolicy ttl(Duration ttl) {
		return new RememberPolicy(TtlPolicy.check(ttl, "ttl"), null, null, Duration.ZERO);
	}

	/**
	 * Values stored without expiry, as
	 * {@link Cache#rememberForever(String, Class, Callable)}.
	 * @return the policy
	 */
	public static RememberPolicy forever() {
		return new RememberPolicy(Cache.NO_EXPIRY, null, null, Duration.ZERO);
	}

	/**
	 * Whether a {@code null} result is stored as a marker (for the cache's null TTL), so
	 * that it is not loaded again on every call; overrides the cache's own setting.
	 * @param cacheNulls {@code true} to store the marker
	 * @return a copy with the setting
	 */
	public RememberPolicy cacheNulls(boolean cacheNulls) {
		return new RememberPolicy(this.ttl, cacheNulls, this.unless, this.refreshAfter);
	}

	/**
	 * A veto on storing: a loaded, non-null value for which the predicate is {@code true}
	 * is returned to the caller but not stored (as Spring's {@code unless}).
	 * @param unless the veto
	 * @return a copy with the veto
	 * @throws IllegalArgumentException if {@code unless} is null
	 */
	@SuppressWarnings("unchecked")
	public RememberPolicy unless(Predicate<?> unless) {
		Arguments.requireNonNull(unless, "unless");
		return new RememberPolicy(this.ttl, this.cacheNulls, (Predicate<Object>) unless, this.refreshAfter);
	}

	/**
	 * Refresh-ahead: a hit on an entry written more than {@code refreshAfter} ago returns
	 * the stored value at once and starts one reload in the background, one across all
	 * processes (it takes the load lease of a miss, {@code <key>.lease}); the reloaded
	 * value replaces the old one with a fresh TTL. Readers never wait for it.
	 * <p>
	 * The age of an entry is read from its remaining TTL ({@code PTTL}, in the same round
	 * trip as the value, through one read-only script): no extra key, the stored value is
	 * unchanged. So an entry without expiry, or written by someone else without one, is
	 * never refreshed. With TTL jitter, the cut of an entry written under this policy is
	 * at most half of {@code refreshAfter}, so an entry is refreshed after between half
	 * and all of {@code refreshAfter}, never right after it was written.
	 * <p>
	 * Only hits start reloads: an idle entry simply expires. A failed reload keeps the
	 * old value until its TTL ends; the failure is counted and logged (at most every 30
	 * seconds), and this process tries that key again on a later stale hit, after one
	 * second, then two, doubling up to 30 seconds while it keeps failing. Reloads run on
	 * a small bounded pool of the cache; when it is full the reload is skipped and
	 * counted, the reader is never blocked. A loaded {@code null} that is not cached, or
	 * a value vetoed by {@link #unless(Predicate)}, deletes the old entry, so the next
	 * call loads again.
	 * @param refreshAfter positive and shorter than the TTL the values are stored with
	 * (checked on each call, before Redis is asked); {@link Duration#ZERO} to turn
	 * refresh-ahead off
	 * @return a copy with the setting
	 * @throws IllegalArgumentException if {@code refreshAfter} is null or negative
	 */
	public RememberPolicy refreshAfter(Duration refreshAfter) {
		Arguments.requireTtl(refreshAfter, "refreshAfter");
		return new RememberPolicy(this.ttl, this.cacheNulls, this.unless, refreshAfter);
	}

	/**
	 * The TTL of stored values.
	 * @return {@link Duration#ZERO} for the cache's default, {@link Cache#NO_EXPIRY} for
	 * none
	 */
	public Duration ttl() {
		return this.ttl;
	}

	/**
	 * Whether {@code null} results are stored as a marker.
	 * @return the setting, {@code null} for the cache's own
	 */
	public @Nullable Boolean cacheNulls() {
		return this.cacheNulls;
	}

	/**
	 * After how long a hit reloads the entry in the background.
	 * @return {@link Duration#ZERO} (the default) for never
	 */
	public Duration refreshAfter() {
		return this.refreshAfter;
	}

	/**
	 * Whether a loaded non-null value may be stored: {@code false} when the
	 * {@link #unless(Predicate) veto} says so.
	 * @param value the loaded value
	 * @return {@code true} to store it
	 */
	public boolean mayStore(Object value) {
		return this.unless == null || !this.unless.test(value);
	}

	/**
	 * Checks the one rule that ties this policy to a cache: {@code refreshAfter} must be
	 * shorter than the TTL the values are stored with, and that TTL must not be
	 * {@link Cache#NO_EXPIRY} (the age of an entry is read from its remaining TTL). Runs
	 * on every {@code remember} with this policy, and at startup wherever a policy is
	 * configured ({@code @Remember}, {@code app.cache.caches.<name>.refresh-after}).
	 * @param defaultTtl the cache's default TTL, for a policy with {@link #defaultTtl()}
	 * @return this policy
	 * @throws IllegalArgumentException naming both durations if the rule is broken
	 */
	public RememberPolicy requireRefreshBeforeExpiry(Duration defaultTtl) {
		if (this.refreshAfter.isZero()) {
			return this;
		}
		Duration entryTtl = this.ttl.isZero() ? defaultTtl : this.ttl;
		long ttlMillis = TtlPolicy.toMillis(entryTtl);
		Arguments.require(ttlMillis != TtlPolicy.PERSISTENT,
				"refreshAfter needs a TTL: the age of an entry is read from its remaining TTL, and values"
						+ " stored without expiry have none (refreshAfter %s)",
				this.refreshAfter);
		Arguments.require(TtlPolicy.toMillis(this.refreshAfter) < ttlMillis,
				"refreshAfter must be shorter than the TTL: %s is not shorter than %s", this.refreshAfter, entryTtl);
		return this;
	}

	@Override
	public String toString() {
		return "RememberPolicy[ttl=" + this.ttl + ", cacheNulls=" + this.cacheNulls + ", unless="
				+ ((this.unless != null) ? "set" : "none") + ", refreshAfter=" + this.refreshAfter + "]";
	}

}
