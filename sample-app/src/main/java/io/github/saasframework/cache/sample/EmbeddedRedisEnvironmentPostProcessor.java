package io.github.saasframework.cache.sample;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.jspecify.annotations.Nullable;
import redis.embedded.RedisServer;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationFailedEvent;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Makes the sample runnable on a machine without Redis: before the application context
 * starts, it sends {@code PING} to {@code spring.data.redis.host:port}. When a Redis
 * answers, the application uses it. When none does, it starts the {@code redis-server}
 * binary shipped by {@code com.github.codemonstur:embedded-redis} on a free loopback
 * port, points {@code spring.data.redis.*} at it, and stops it when the application
 * context closes (or the JVM exits). Either way it logs which Redis the application uses.
 * <p>
 * Switch it off with {@code sample.embedded-redis.enabled=false}; it also stays out of
 * the way when {@code spring.data.redis.url}, a cluster or a sentinel setup is
 * configured.
 */
class EmbeddedRedisEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	static final String PROPERTY_SOURCE = "embeddedRedis";

	private final Log logger;

	EmbeddedRedisEnvironmentPostProcessor(DeferredLogFactory logFactory) {
		this.logger = logFactory.getLog(EmbeddedRedisEnvironmentPostProcessor.class);
	}

	@Override
	public int getOrder() {
		// after application.yml and the command line have been read
		return Ordered.LOWEST_PRECEDENCE;
	}

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (!environment.getProperty("sample.embedded-redis.enabled", Boolean.class, true)
				|| environment.containsProperty("spring.data.redis.url")
				|| environment.containsProperty("spring.data.redis.cluster.nodes")
				|| environment.containsProperty("spring.data.redis.sentinel.master")
				|| environment.getPropertySources().contains(PROPERTY_SOURCE)) {
			return;
		}
		String host = environment.getProperty("spring.data.redis.host", "localhost");
		int port = environment.getProperty("spring.data.redis.port", Integer.class, 6379);
		if (answersPing(host, port)) {
			this.logger.info("Using the Redis at " + host + ":" + port);
			return;
		}
		int embeddedPort = freePort();
		RedisServer server = start(embeddedPort);
		this.logger
			.warn("No Redis answered at " + host + ":" + port + "; started an embedded redis-server on 127.0.0.1:"
					+ embeddedPort + " for this run (it stops with the application; set spring.data.redis.host/port to"
					+ " use your own)");
		environment.getPropertySources()
			.addFirst(new MapPropertySource(PROPERTY_SOURCE, Map.of("spring.data.redis.host", "127.0.0.1",
					"spring.data.redis.port", embeddedPort, "sample.embedded-redis.port", embeddedPort)));
		application.addListeners(new StopOnClose(server));
		Runtime.getRuntime().addShutdownHook(new Thread(() -> stopQuietly(server), "embedded-redis-shutdown"));
	}

	static boolean answersPing(String host, int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(host, port), 300);
			socket.setSoTimeout(500);
			OutputStream out = socket.getOutputStream();
			out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
			out.flush();
			InputStream in = socket.getInputStream();
			byte[] reply = new byte[64];
			int read = in.read(reply);
			// "+PONG", or "-NOAUTH ..." from a Redis that wants a password: both are a
			// Redis
			return read > 0 && (reply[0] == '+' || reply[0] == '-');
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static RedisServer start(int port) {
		try {
			RedisServer server = RedisServer.newRedisServer()
				.port(port)
				.bind("127.0.0.1")
				.setting("save \"\"")
				.setting("appendonly no")
				.build();
			server.start();
			return server;
		}
		catch (IOException ex) {
			throw new IllegalStateException("No Redis answered and the embedded redis-server could not start on port "
					+ port + "; set spring.data.redis.host/port to a running Redis", ex);
		}
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket()) {
			socket.bind(new InetSocketAddress("127.0.0.1", 0));
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException("No free port for the embedded redis-server", ex);
		}
	}

	static void stopQuietly(@Nullable RedisServer server) {
		if (server == null) {
			return;
		}
		try {
			if (server.isActive()) {
				server.stop();
			}
		}
		catch (IOException ex) {
			// the JVM is going away anyway; the process dies with it
		}
	}

	/**
	 * Stops the embedded server when the application context closes or fails to start.
	 * Listeners added to the {@link SpringApplication} are also registered with its
	 * context, so this one sees the context's {@link ContextClosedEvent}.
	 */
	private static final class StopOnClose implements ApplicationListener<ApplicationEvent> {

		private final RedisServer server;

		StopOnClose(RedisServer server) {
			this.server = server;
		}

		@Override
		public void onApplicationEvent(ApplicationEvent event) {
			if (event instanceof ContextClosedEvent || event instanceof ApplicationFailedEvent) {
				stopQuietly(this.server);
			}
		}

	}

}
