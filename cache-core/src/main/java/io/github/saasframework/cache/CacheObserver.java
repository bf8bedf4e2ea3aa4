package io.github.saasframework.cache;

/**
 * Observes cache operations while they run, so that a tracer can record each as a span
 * around the work (the loader of a {@code remember} miss then runs inside it): the Spring
 * Boot starter binds it to Micrometer's {@code ObservationRegistry}. This library depends
 * on no tracing API; {@link #NONE} costs a constant return and two empty calls.
 * <p>
 * Observed are {@link Operation#GET get}, {@link Operation#REMEMBER remember} (all its
 * forms, {@code @Remember} included) and the wait of a lock {@link Operation#LOCK
 * acquire} ({@code withLock} and {@code @WithLock} included). What an observer receives
 * is low-cardinality only: the operation, the cache's prefix and the {@link Result
 * result}; never a key or a value.
 * <p>
 * {@link #start} runs on the caller's thread, and that same thread later calls
 * {@link Observed#stop()} exactly once, after at most one {@link Observed#result} or
 * {@link Observed#error}. Implementations must be thread-safe.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface CacheObserver {

	/** An observer that observes nothing. */
	CacheObserver NONE = (operation, prefix) -> Observed.NONE;

	/**
	 * Called when an operation starts.
	 * @param operation what starts
	 * @param prefix the prefix of the cache that runs it ({@code ""} when none)
	 * @return the handle the caller stops when the operation ends
	 */
	Observed start(Operation operation, String prefix);

	/**
	 * One running operation.
	 */
	interface Observed {

		/** A handle that records nothing. */
		Observed NONE = new Observed() {
		};

		/**
		 * Records how the operation ended, when it ended normally or with an outcome that
		 * has a name (a lock not acquired in time).
		 * @param result the outcome
		 */
		default void result(Result result) {
		}

		/**
		 * Records that the operation failed.
		 * @param error what it threw
		 */
		default void error(Throwable error) {
		}

		/**
		 * Ends the operation.
		 */
		default void stop() {
		}

	}

	/**
	 * The observed operations.
	 */
	enum Operation {

		/** {@code get(key, type)}. */
		GET("get"),

		/** {@code remember}, {@code rememberForever} and {@code @Remember}. */
		REMEMBER("remember"),

		/**
		 * Waiting for a lock: {@code acquire}, {@code withLock} and {@code @WithLock}.
		 */
		LOCK("lock");

		private final String value;

		Operation(String value) {
			this.value = value;
		}

		/**
		 * The name to use as a tag value.
		 * @return the lower-case name
		 */
		public String value() {
			return this.value;
		}

	}

	/**
	 * How an operation ended.
	 */
	enum Result {

		/** The value was in Redis. */
		HIT("hit"),

		/** The value was not in Redis ({@code remember}: it was loaded). */
		MISS("miss"),

		/** The lock was acquired. */
		ACQUIRED("acquired"),

		/** The lock was not acquired within the wait. */
		NOT_ACQUIRED("not_acquired");

		private final String value;

		Result(String value) {
			this.value = value;
		}

		/**
		 * The name to use as a tag value.
		 * @return the lower-case name
		 */
		public String value() {
			return this.value;
		}

	}

}
