package io.github.saasframework.cache.internal.redis;

import java.time.Duration;

import io.lettuce.core.RedisClient;
import io.lettuce.core.resource.ClientResources;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The library's reconnect back-off, and how the core reads the back-off of a client it is
 * given (issue 26): it cannot change it, it can tell.
 */
class ReconnectTests {

	@Test
	void delay_growsFromAMillisecondToTheCap() {
		assertThat(Reconnect.delay(Reconnect.DEFAULT_MAX_DELAY).createDelay(1)).isLessThan(Duration.ofMillis(10));
		assertThat(Reconnect.delay(Reconnect.DEFAULT_MAX_DELAY).createDelay(30)).isEqualTo(Duration.ofSeconds(1));
	}

	@Test
	void longestDelay_isLettucesThirtySecondsByDefault_andTheCapWithTheLibrarysBackOff() {
		RedisClient lettuceDefault = RedisClient.create();
		ClientResources capped = ClientResources.builder()
			.reconnectDelay(Reconnect.delay(Reconnect.DEFAULT_MAX_DELAY))
			.build();
		RedisClient withCap = RedisClient.create(capped);
		try {
			assertThat(Reconnect.longestDelay(lettuceDefault)).isEqualTo(Duration.ofSeconds(30));
			assertThat(Reconnect.longestDelay(withCap)).isEqualTo(Duration.ofSeconds(1));
		}
		finally {
			lettuceDefault.shutdown(Duration.ZERO, Duration.ofSeconds(2));
			withCap.shutdown(Duration.ZERO, Duration.ofSeconds(2));
			capped.shutdown(0, 2, java.util.concurrent.TimeUnit.SECONDS);
		}
	}

}
