package io.github.saasframework.cache.autoconfigure;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.github.saasframework.cache.Cache;
import io.github.saasframework.cache.testsupport.RedisServerExtension;
import io.github.saasframework.cache.testsupport.RedisServerProcess;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.EventLoopGroupProvider;
import io.lettuce.core.resource.Transports;
import io.netty.channel.EventLoopGroup;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What the starter logs when the application starts without Redis and when it stops
 * (issue 24: "Redis not reachable at startup" at INFO; a {@code Connection is already
 * closed} WARN at every shutdown, and an {@code Event loop shut down?} ERROR when Redis
 * was down).
 */
@ExtendWith({ RedisServerExtension.class, OutputCaptureExtension.class })
class ConnectionLifecycleTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
				RedisCacheAutoConfiguration.class))
		.withPropertyValues("app.cache.key-prefix=lifecycle");

	@Test
	void redisUnreachableAtStartupIsAWarning(CapturedOutput output) {
		int closedPort = RedisServerProcess.freePort();
		this.contextRunner.withBean(DataRedisConnectionDetails.class, () -> TestRedis.connectionDetails(closedPort))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				Awaitility.await()
					.atMost(Duration.ofSeconds(10))
					.until(() -> output.getAll().contains("Redis was not reachable at startup"));
				assertThat(output.getAll())
					.containsPattern("WARN .*RedisConnectionTuning.* Redis was not reachable at startup; the cache"
							+ " connects on first use");
			});
	}

	/**
	 * The connection factory is a lifecycle bean: stopping it closed the near cache's
	 * tracking connection before the cache closed it again when destroyed.
	 */
	@Test
	void shutdownClosesTheCachesOwnConnectionsOnceBeforeTheFactoryStops(CapturedOutput output) {
		this.contextRunner.withBean(DataRedisConnectionDetails.class, TestRedis::connectionDetails)
			.withPropertyValues("app.cache.near.enabled=true")
			.run((context) -> {
				assertThat(context).hasSingleBean(RedisCacheLifecycle.class);
				Cache cache = context.getBean(Cache.class);
				cache.set("k", "v");
				assertThat(cache.get("k", String.class)).hasValue("v");
			});
		assertThat(output.getAll()).doesNotContain("Connection is already closed");
	}

	/**
	 * The reference the starter holds to the event loops does not outlive the context.
	 */
	@Test
	void theClientsEventLoopsTerminateWithTheContext() {
		EventLoopGroup[] group = new EventLoopGroup[1];
		this.contextRunner.withBean(DataRedisConnectionDetails.class, TestRedis::connectionDetails).run((context) -> {
			context.getBean(Cache.class).set("k", "v");
			EventLoopGroupProvider provider = context.getBean(ClientResources.class).eventLoopGroupProvider();
			// a look at the group the client uses, without changing its reference count
			group[0] = provider.allocate(Transports.eventLoopGroupClass());
			provider.release(group[0], 0, 0, TimeUnit.SECONDS);
			assertThat(group[0].isShuttingDown()).isFalse();
		});
		Awaitility.await().atMost(Duration.ofSeconds(10)).until(group[0]::isTerminated);
	}

	@Test
	void noLifecycleBeanForAnApplicationsOwnCache() {
		this.contextRunner.withBean(DataRedisConnectionDetails.class, TestRedis::connectionDetails)
			.withBean("myCache", Cache.class,
					() -> io.github.saasframework.cache.RedisCache.create(RedisServerExtension.connectionFactory(),
							io.github.saasframework.cache.CacheConfig.builder().keyPrefix("mine").build()))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(RedisCacheLifecycle.class);
			});
	}

	/**
	 * With Redis down, Lettuce leaves a handshake timeout armed for each refused connect
	 * (up to the connect timeout); it used to fire after the connection factory had
	 * released the client's event loops and before Boot shut the client resources (and
	 * that timer) down. A lifecycle bean that stops after the factory widens that window
	 * here so that the timeout of the failed call fires inside it.
	 */
	@Test
	void aHandshakeTimeoutFiringWhileTheContextStopsFindsItsEventLoop(CapturedOutput output) {
		int closedPort = RedisServerProcess.freePort();
		this.contextRunner.withBean(DataRedisConnectionDetails.class, () -> TestRedis.connectionDetails(closedPort))
			.withPropertyValues("spring.data.redis.connect-timeout=600ms", "spring.data.redis.timeout=500ms")
			.withBean("slowToStop", SmartLifecycle.class, () -> new SlowToStop(900))
			.run((context) -> {
				Cache cache = context.getBean(Cache.class);
				// the call's connect is refused ("Unable to connect"), arming the
				// handshake
				// timeout
				assertThatExceptionOfType(DataAccessException.class).isThrownBy(() -> cache.get("k", String.class))
					.satisfies((ex) -> assertThat(ex).hasStackTraceContaining("Unable to connect"));
				// the context stops now, 600 ms before the call's handshake timeout fires
			});
		assertThat(output.getAll()).doesNotContain("Event loop shut down?");
	}

	/** Stops after the connection factory (lowest phase) and takes its time. */
	private static final class SlowToStop implements SmartLifecycle {

		private final long millis;

		private volatile boolean running;

		SlowToStop(long millis) {
			this.millis = millis;
		}

		@Override
		public void start() {
			this.running = true;
		}

		@Override
		public void stop() {
			try {
				Thread.sleep(this.millis);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			this.running = false;
		}

		@Override
		public boolean isRunning() {
			return this.running;
		}

		@Override
		public int getPhase() {
			return Integer.MIN_VALUE;
		}

	}

}
