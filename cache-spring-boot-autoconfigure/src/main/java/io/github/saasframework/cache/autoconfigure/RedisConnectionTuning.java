package io.github.saasframework.cache.autoconfigure;

import java.time.Duration;

import io.github.saasframework.cache.internal.redis.Reconnect;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.lettuce.core.resource.Transports;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * How the cache's Redis connection behaves around outages, on Boot's own Lettuce set-up:
 * the core's reconnect back-off ({@code Reconnect}), capped at
 * {@code app.cache.reconnect.max-delay} (Lettuce's default grows to 30 s, so calls stayed
 * broken for seconds after Redis came back), and the shared connection opened right after
 * startup, so that its handshake (TLS, AUTH, HELLO) never runs inside the first call's
 * command timeout.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass({ Delay.class, ClientResourcesBuilderCustomizer.class })
class RedisConnectionTuning {

	private static final Log logger = LogFactory.getLog(RedisConnectionTuning.class);

	@Bean
	@ConditionalOnMissingBean(name = "cacheReconnectDelayCustomizer")
	ClientResourcesBuilderCustomizer cacheReconnectDelayCustomizer(RedisCacheProperties properties) {
		Duration maxDelay = properties.getReconnect().getMaxDelay();
		return (builder) -> {
			if (maxDelay != null && !maxDelay.isZero() && !maxDelay.isNegative()) {
				builder.reconnectDelay(Reconnect.delay(maxDelay));
			}
		};
	}

	/**
	 * Keeps the event loops of Boot's Lettuce client until Boot shuts its
	 * {@link ClientResources} down. Lettuce arms a handshake timeout on the resources'
	 * timer for every connection attempt and does not disarm it when the connect is
	 * refused; up to the connect timeout later it fires and closes the channel on the
	 * channel's event loop. The connection factory shuts its client down when the context
	 * stops, which releases the event loops; Boot shuts the resources (timer first) down
	 * only when beans are destroyed. A timeout firing in between (Redis down: an attempt
	 * at every reconnect) found its event loop terminated, and Netty logged "Failed to
	 * submit a listener notification task. Event loop shut down?" at ERROR. With one more
	 * reference held here, the resources' own shutdown, which stops the timer before the
	 * event loops, is the one that terminates them.
	 */
	@Bean
	@ConditionalOnMissingBean(name = "cacheEventLoopKeeper")
	SmartInitializingSingleton cacheEventLoopKeeper(
			@Qualifier("lettuceClientResources") ObjectProvider<ClientResources> clientResources) {
		return () -> {
			ClientResources resources = clientResources.getIfAvailable();
			if (resources != null) {
				resources.eventLoopGroupProvider().allocate(Transports.eventLoopGroupClass());
			}
		};
	}

	@Bean
	@ConditionalOnMissingBean(name = "cacheConnectionWarmUp")
	SmartInitializingSingleton cacheConnectionWarmUp(ObjectProvider<RedisConnectionFactory> connectionFactory) {
		return () -> {
			RedisConnectionFactory factory = connectionFactory.getIfUnique();
			if (factory == null) {
				return;
			}
			// in the background: an unreachable Redis must not hold up the startup; a
			// first call that comes meanwhile waits for the same shared connection
			Thread warmUp = new Thread(() -> warmUp(factory), "cache-redis-warm-up");
			warmUp.setDaemon(true);
			warmUp.start();
		};
	}

	static void warmUp(RedisConnectionFactory factory) {
		try (RedisConnection connection = factory.getConnection()) {
			connection.ping();
		}
		catch (RuntimeException ex) {
			if (factory instanceof SmartLifecycle lifecycle && !lifecycle.isRunning()) {
				// the context stopped before the warm-up ran: nothing to tell
				return;
			}
			logger.warn("Redis was not reachable at startup; the cache connects on first use: " + ex);
		}
	}

}
