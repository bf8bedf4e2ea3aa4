package io.github.saasframework.cache;

import java.time.Duration;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;

/**
 * Per-call settings of {@link Cache#remember(String, RememberPolicy, Class, Callable)}:
 * the TTL of the stored value, whether a {@code null} result is stored as a marker, and a
 * veto on storing a loaded value. Immutable; each {@code with}-style method returns a
 * copy.
 *
 * <pre>{@code
 * cache.remember("user:" + id, RememberPolicy.ttl(Duration.ofMinutes(5)).unless(User::isDraft),
 *         User.class, () -> repository.find(id));
 * }</pre>
 *
 * @since 0.2.0
 */
public final class RememberPolicy {

	private static final RememberPolicy DEFAULT_TTL = new RememberPolicy(Duration.ZERO, null, null);

	private final Duration ttl;

	private final @Nullable Boolean cacheNulls;

	private final @Nullable Predicate<Object> unless;

	private RememberPolicy(Duration ttl, @Nullable Boolean cacheNulls, @Nullable Predicate<Object> unless) {
		this.ttl = ttl;
		this.cacheNulls = cacheNulls;
		this.unless = unless;
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
		return new RememberPolicy(TtlPolicy.check(ttl, "ttl"), null, null);
	}

	/**
	 * Values stored without expiry, as
	 * {@link Cache#rememberForever(String, Class, Callable)}.
	 * @return the policy
	 */
	public static RememberPolicy forever() {
		return new RememberPolicy(Cache.NO_EXPIRY, null, null);
	}

	/**
	 * Whether a {@code null} result is stored as a marker (for the cache's null TTL), so
	 * that it is not loaded again on every call; overrides the cache's own setting.
	 * @param cacheNulls {@code true} to store the marker
	 * @return a copy with the setting
	 */
	public RememberPolicy cacheNulls(boolean cacheNulls) {
		return new RememberPolicy(this.ttl, cacheNulls, this.unless);
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
		return new RememberPolicy(this.ttl, this.cacheNulls, (Predicate<Object>) unless);
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

	/** Whether a loaded non-null value may be stored. */
	boolean mayStore(Object value) {
		return this.unless == null || !this.unless.test(value);
	}

	@Override
	public String toString() {
		return "RememberPolicy[ttl=" + this.ttl + ", cacheNulls=" + this.cacheNulls + ", unless="
				+ ((this.unless != null) ? "set" : "none") + "]";
	}

}
