package io.github.saasframework.cache.internal.redis;

import java.time.Duration;
import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.resource.Delay;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The library's reconnect back-off: exponential from 1 ms, capped at
 * {@link #DEFAULT_MAX_DELAY} (Lettuce's own grows to 30 s, so after a long outage calls
 * stay broken for up to that long once Redis is back).
 * <p>
 * The back-off belongs to the connection factory's {@code ClientResources}: one object,
 * shared by every connection of the factory (the application's own templates too),
 * immutable once the client exists, and often the application's. So the core never
 * changes it on a factory it is given: the Spring Boot starter applies the cap where Boot
 * builds the resources ({@code app.cache.reconnect.max-delay}), and for any other factory
 * {@link #advise} logs once what the factory's back-off means and how to cap it.
 */
public final class Reconnect {

	/** The longest pause between two reconnect attempts the library recommends. */
	public static final Duration DEFAULT_MAX_DELAY = Duration.ofSeconds(1);

	private static final Log logger = LogFactory.getLog(Reconnect.class);

	/** The clients already advised about (weakly: a client may be discarded). */
	private static final Set<AbstractRedisClient> ADVISED = Collections
		.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

	private Reconnect() {
	}

	/**
	 * The back-off: 1, 2, 4, ... ms, then {@code maxDelay}: quick after a blip, at most
	 * {@code maxDelay} late after a long outage.
	 * @param maxDelay the cap, positive
	 * @return a stateless delay for {@code ClientResources.Builder.reconnectDelay}
	 */
	public static Delay delay(Duration maxDelay) {
		return Delay.exponential(Duration.ZERO, maxDelay, 2, TimeUnit.MILLISECONDS);
	}

	/**
	 * Logs once per client, at INFO, when the factory's reconnect back-off grows past
	 * {@link #DEFAULT_MAX_DELAY}: what that costs after an outage and how to cap it.
	 * @param factory a started factory
	 */
	static void advise(LettuceConnectionFactory factory) {
		AbstractRedisClient client = factory.getNativeClient();
		if (client == null) {
			return;
		}
		Duration longest = longestDelay(client);
		if (longest.compareTo(DEFAULT_MAX_DELAY) <= 0 || !ADVISED.add(client)) {
			return;
		}
		logger.info("The connection factory reconnects with a back-off that grows to " + longest
				+ ": after an outage the cache's calls may fail for that long once Redis is back. The cache does not"
				+ " change the ClientResources of a factory it is given (every connection of the factory shares them);"
				+ " to cap the back-off at " + DEFAULT_MAX_DELAY + " as the Spring Boot starter does, build the factory"
				+ " with ClientResources.builder().reconnectDelay(Delay.exponential(Duration.ZERO, "
				+ "Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))");
	}

	/** The longest pause of the client's back-off, as far as 32 attempts show it. */
	static Duration longestDelay(AbstractRedisClient client) {
		Delay delay = client.getResources().reconnectDelay();
		Duration longest = Duration.ZERO;
		for (int attempt = 1; attempt <= 32; attempt++) {
			Duration next = delay.createDelay(attempt);
			if (next.compareTo(longest) > 0) {
				longest = next;
			}
		}
		return longest;
	}

}
