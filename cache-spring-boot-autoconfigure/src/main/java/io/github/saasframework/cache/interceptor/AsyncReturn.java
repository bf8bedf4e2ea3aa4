package io.github.saasframework.cache.interceptor;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;

import org.springframework.core.ReactiveAdapterRegistry;

/**
 * How an annotated method hands out its result: directly, as a future, or as a Reactor
 * publisher; decided once per method from its declared return type.
 */
enum AsyncReturn {

	/** The result itself (or an {@code Optional} of it). */
	NONE,

	/** A {@code CompletableFuture} or {@code CompletionStage}. */
	FUTURE,

	/** A Reactor {@code Mono}. */
	MONO,

	/** A Reactor {@code Flux}. */
	FLUX,

	/**
	 * Another asynchronous type (a plain {@code Future}, a subclass of
	 * {@code CompletableFuture}, RxJava, Kotlin flows, a bare {@code Publisher}): the
	 * annotations refuse it at startup.
	 */
	UNSUPPORTED;

	static AsyncReturn of(Class<?> returnType) {
		if (returnType == CompletableFuture.class || returnType == CompletionStage.class) {
			return FUTURE;
		}
		if (Future.class.isAssignableFrom(returnType) || CompletionStage.class.isAssignableFrom(returnType)) {
			return UNSUPPORTED;
		}
		if (ReactiveAdapterRegistry.getSharedInstance().getAdapter(returnType) == null) {
			return NONE;
		}
		return switch (returnType.getName()) {
			case "reactor.core.publisher.Mono" -> MONO;
			case "reactor.core.publisher.Flux" -> FLUX;
			default -> UNSUPPORTED;
		};
	}

	boolean isAsync() {
		return this != NONE;
	}

}
