package io.github.saasframework.cache.webflux;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import reactor.blockhound.BlockHound;
import reactor.blockhound.BlockingOperationError;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * BlockHound's settings for this module's tests (installed for every test by
 * {@code blockhound-junit-platform}): Lettuce's I/O and event-executor threads count as
 * non-blocking, besides Reactor's and Netty's own, and every blocking call found on such
 * a thread is recorded (and thrown, as BlockHound does) so a test can assert that none
 * happened, also where the error would be swallowed by a callback.
 */
public class RecordingBlockHoundIntegration implements BlockHoundIntegration {

	/** The blocking calls found since the last {@link #clear()}. */
	static final List<String> FOUND = new CopyOnWriteArrayList<>();

	@Override
	public void applyTo(BlockHound.Builder builder) {
		builder
			.nonBlockingThreadPredicate((current) -> current.or((thread) -> thread.getName().startsWith("lettuce-")));
		builder.blockingMethodCallback((method) -> {
			FOUND.add(method + " on " + Thread.currentThread().getName());
			throw new BlockingOperationError(method);
		});
	}

	static void clear() {
		FOUND.clear();
	}

}
