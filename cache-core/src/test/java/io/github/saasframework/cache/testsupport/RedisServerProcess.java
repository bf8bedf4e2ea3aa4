package io.github.saasframework.cache.testsupport;

import java.nio.file.Path;

import io.github.saasframework.cache.test.TestRedisServer;

/**
 * The project's tests' name for a {@link TestRedisServer} (module
 * {@code cache-spring-boot-test}): one way to start a test {@code redis-server}, shared
 * by the tests, the benchmarks and {@code @AutoConfigureTestRedis}. Every method forwards
 * to the server it wraps.
 */
public final class RedisServerProcess implements AutoCloseable {

	private final TestRedisServer server;

	private RedisServerProcess(TestRedisServer server) {
		this.server = server;
	}

	/**
	 * Starts a standalone server on a free loopback port and waits until it answers PING.
	 * @param extraArgs further {@code redis-server} arguments
	 * @return the running server
	 * @see TestRedisServer#start(String...)
	 */
	public static RedisServerProcess start(String... extraArgs) {
		return new RedisServerProcess(TestRedisServer.start(extraArgs));
	}

	/**
	 * Starts a Sentinel on a free loopback port.
	 * @param config the Sentinel configuration
	 * @return the running Sentinel
	 * @see TestRedisServer#startSentinel(String)
	 */
	public static RedisServerProcess startSentinel(String config) {
		return new RedisServerProcess(TestRedisServer.startSentinel(config));
	}

	/**
	 * The binary the tests use.
	 * @return the path of an executable {@code redis-server}
	 * @see TestRedisServer#binary()
	 */
	public static Path binary() {
		return TestRedisServer.binary();
	}

	/**
	 * Finds a free loopback port other than 6379.
	 * @return a port that was free a moment ago
	 * @see TestRedisServer#freePort()
	 */
	public static int freePort() {
		return TestRedisServer.freePort();
	}

	/** The loopback host. */
	public String host() {
		return this.server.host();
	}

	/** The port the server listens on. */
	public int port() {
		return this.server.port();
	}

	/** The process id, while running. */
	public long pid() {
		return this.server.pid();
	}

	/** Whether the process is running. */
	public boolean isRunning() {
		return this.server.isRunning();
	}

	/** Stops the process (SIGTERM, then SIGKILL after 5 s) and waits for it to end. */
	public void stop() {
		this.server.stop();
	}

	/** Kills the process (SIGKILL) and waits for it to end. */
	public void kill() {
		this.server.kill();
	}

	/** Starts the process again on the same port, empty, with the same arguments. */
	public void restart() {
		this.server.restart();
	}

	/**
	 * Sends one command and returns its reply.
	 * @param command the command words
	 * @return the reply
	 * @see TestRedisServer#command(String...)
	 */
	public String command(String... command) {
		return this.server.command(command);
	}

	@Override
	public void close() {
		this.server.close();
	}

}
