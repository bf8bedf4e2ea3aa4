package io.github.saasframework.cache.internal.near;

/**
 * The near cache cannot work with this client or server, for a reason that will not heal
 * by waiting: the connection factory is not Lettuce's, the connection speaks only RESP2,
 * or Redis refuses {@code CLIENT TRACKING} (an ACL). An unreachable Redis is not such a
 * reason: the near cache then starts without tracking and tracks once Redis answers.
 * Thrown while the cache is created, so that Spring Boot's failure report can name the
 * setting; not API.
 */
public final class NearCacheUnavailableException extends IllegalStateException {

	private static final long serialVersionUID = 1L;

	private final String remedy;

	NearCacheUnavailableException(String message, String remedy, Throwable cause) {
		super(message, cause);
		this.remedy = remedy;
	}

	NearCacheUnavailableException(String message, String remedy) {
		super(message);
		this.remedy = remedy;
	}

	/**
	 * What would let the near cache work, besides switching it off: "grant the Redis user
	 * ...", "use Redis 6 or later ...".
	 * @return the remedy, lower case, without a final period
	 */
	public String remedy() {
		return this.remedy;
	}

}
