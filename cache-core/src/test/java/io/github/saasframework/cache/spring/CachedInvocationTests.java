package io.github.saasframework.cache.spring;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.saasframework.cache.CacheException;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What a refresh-ahead reload stores for each kind of result, and that a reactive result
 * which does not complete within the wait is given up and its subscription cancelled. (No
 * Redis: a reload only calls the method; the integration tests cover the store.)
 */
class CachedInvocationTests {

	private static final Duration WAIT = Duration.ofMillis(300);

	@Test
	void reload_unwrapsMonoToItsValue_andFluxToTheListOfItsElements() throws Exception {
		Methods target = new Methods();
		assertThat(invocation(target, "mono").reload()).isEqualTo("one");
		assertThat(invocation(target, "flux").reload()).isEqualTo(List.of("a", "b"));
	}

	@Test
	void reload_ofAMonoThatDoesNotComplete_failsNamingTheMethod_andCancelsTheSubscription() throws Exception {
		Methods target = new Methods();
		assertThatExceptionOfType(CacheException.class).isThrownBy(() -> invocation(target, "never").reload())
			.withMessageContaining("never()")
			.withMessageContaining("did not complete within");
		assertThat(target.cancelled).as("the subscription is cancelled, not left running").hasValue(1);
	}

	private static CachedInvocation invocation(Methods target, String name) throws NoSuchMethodException {
		return new CachedInvocation(target, Methods.class.getMethod(name), new Object[0], WAIT);
	}

	public static class Methods {

		final AtomicInteger cancelled = new AtomicInteger();

		public Mono<String> mono() {
			return Mono.just("one");
		}

		public Flux<String> flux() {
			return Flux.just("a", "b");
		}

		public Mono<String> never() {
			return Mono.<String>never().doOnCancel(this.cancelled::incrementAndGet);
		}

	}

}
