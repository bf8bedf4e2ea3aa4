package io.github.saasframework.cache.spring;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;

/**
 * Carries a checked failure of a loader's future through the non-blocking
 * {@code remember} (which would wrap it in a {@code CacheException}), so that the future
 * Spring's cache hands back fails with the loader's own exception, unwrapped, as Spring's
 * {@code Cache.retrieve} contract asks.
 */
final class LoaderFailure extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private LoaderFailure(Throwable cause) {
		super(null, cause, false, false);
	}

	/**
	 * The loader's future, with a checked failure carried in a {@link LoaderFailure}.
	 * @param loaded the loader's future
	 * @param seen told of the loader's own failure, before it is passed on
	 */
	static <T> CompletableFuture<T> carry(CompletableFuture<T> loaded, Consumer<Throwable> seen) {
		if (loaded == null) {
			return null;
		}
		return loaded.handle((value, failure) -> {
			if (failure == null) {
				return value;
			}
			Throwable cause = unwrapCompletion(failure);
			seen.accept(cause);
			if (cause instanceof RuntimeException || cause instanceof Error) {
				throw new CompletionException(cause);
			}
			throw new LoaderFailure(cause);
		});
	}

	/** A failed future with the loader's own exception (never a wrapper of ours). */
	static <T> CompletableFuture<T> unwrap(Throwable failure) {
		Throwable cause = unwrapCompletion(failure);
		if (cause instanceof LoaderFailure carried) {
			cause = carried.getCause();
		}
		return CompletableFuture.failedFuture(cause);
	}

	private static Throwable unwrapCompletion(Throwable failure) {
		Throwable current = failure;
		while (current instanceof CompletionException && current.getCause() != null) {
			current = current.getCause();
		}
		return current;
	}

}
