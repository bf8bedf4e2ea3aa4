package io.github.saasframework.cache.test;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;

/**
 * A {@code redis-server} process of a test's own, listening on a free loopback port
 * (never 6379) and keeping nothing on disk. It is the server behind
 * {@link AutoConfigureTestRedis}, and works on its own in a plain JUnit test:
 * <pre class="code">
 * class PriceClientTests {
 *
 *     static TestRedisServer redis = TestRedisServer.start();
 *
 *     &#64;AfterAll
 *     static void stopRedis() {
 *         redis.stop();
 *     }
 *
 *     &#64;Test
 *     void readsThroughRedis() {
 *         var factory = new LettuceConnectionFactory(new RedisStandaloneConfiguration(redis.host(), redis.port()));
 *         ...
 *     }
 * }
 * </pre> In a Spring Boot test without {@code @AutoConfigureTestRedis}, a
 * {@code @TestConfiguration} can declare the server and {@link #connectionDetails()} as
 * beans; with {@code @AutoConfigureTestRedis}, a {@code TestRedisServer} bean of the
 * test's own (started with extra arguments, say) is used instead of the default one.
 * <p>
 * The binary is, in order: the path in the environment variable
 * {@code CACHE_TEST_REDIS_SERVER} (the value {@code embedded} skips to the last option),
 * a {@code redis-server} on {@code PATH}, or the binary that
 * {@code com.github.codemonstur:
 * embedded-redis} ships (Redis 6.2, Linux x86_64), extracted once per JVM. So tests pass
 * on a machine with only a JDK.
 * <p>
 * A server runs until {@link #stop()} or {@link #close()}, or at the latest until the JVM
 * exits.
 */
public final class TestRedisServer implements AutoCloseable {

	private static final String HOST = "127.0.0.1";

	private static final String EMBEDDED_RESOURCE = "redis-server-6.2.6-v5-linux-amd64";

	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(20);

	private static @Nullable Path binary;

	private final int port;

	private final Path workDir;

	private final Process process;

	private final Thread shutdownHook;

	private final DataRedisConnectionDetails connectionDetails;

	private boolean stopped;

	private TestRedisServer(int port, Path workDir, Process process) {
		this.port = port;
		this.workDir = workDir;
		this.process = process;
		this.shutdownHook = new Thread(process::destroyForcibly, "test-redis-server-" + port);
		Runtime.getRuntime().addShutdownHook(this.shutdownHook);
		this.connectionDetails = new ConnectionDetails(HOST, port);
	}

	/**
	 * Starts a server and waits until it answers {@code PING}.
	 * <p>
	 * The server runs with {@code --port <free port> --bind 127.0.0.1 --save ""
	 * --appendonly no --protected-mode no --dir <new temporary directory>}, followed by
	 * the given arguments, which override these where they name the same option
	 * ({@code "--port", "7000"} chooses the port). As on {@code redis-server}'s own
	 * command line, a first argument that is not an option is a configuration file.
	 * @param args further {@code redis-server} arguments, such as
	 * {@code "--maxmemory", "10mb"}; none for a plain server
	 * @return the running server
	 * @throws IllegalArgumentException if an argument is {@code null} or {@code --port}
	 * has no number
	 * @throws IllegalStateException if no server could be started, with what
	 * {@code redis-server} logged
	 */
	public static TestRedisServer start(String... args) {
		List<String> arguments = arguments(args);
		int requested = requestedPort(arguments);
		if (requested != 0) {
			if (acceptsConnections(requested)) {
				throw new IllegalStateException(
						"Cannot start redis-server on port " + requested + ": something already listens there");
			}
			return launch(requested, arguments);
		}
		IllegalStateException failure = null;
		// another process may take the free port before redis-server binds it: try anew
		for (int attempt = 0; attempt < 3; attempt++) {
			try {
				return launch(freePort(), arguments);
			}
			catch (IllegalStateException ex) {
				if (failure == null) {
					failure = ex;
				}
				else {
					failure.addSuppressed(ex);
				}
			}
		}
		throw failure;
	}

	/**
	 * The host the server listens on: the loopback address.
	 * @return {@code 127.0.0.1}
	 */
	public String host() {
		return HOST;
	}

	/**
	 * The port the server listens on.
	 * @return the port, never 6379 unless asked for with {@code --port}
	 */
	public int port() {
		return this.port;
	}

	/**
	 * Spring Boot's connection details for this server: a {@code @Bean} of this type
	 * makes Boot's Redis auto-configuration connect here, in place of
	 * {@code spring.data.redis.host}, {@code port} and {@code url} (other
	 * {@code spring.data.redis.*} settings such as timeouts still apply).
	 * @return standalone details with this server's host and port, database 0
	 */
	public DataRedisConnectionDetails connectionDetails() {
		return this.connectionDetails;
	}

	/**
	 * Stops the server (SIGTERM, then SIGKILL after 5 s), waits until the process has
	 * ended, so its port is free, and removes its temporary directory. Does nothing when
	 * already stopped.
	 */
	public synchronized void stop() {
		if (this.stopped) {
			return;
		}
		this.stopped = true;
		this.process.destroy();
		try {
			if (!this.process.waitFor(5, TimeUnit.SECONDS)) {
				this.process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.process.destroyForcibly();
		}
		try {
			Runtime.getRuntime().removeShutdownHook(this.shutdownHook);
		}
		catch (IllegalStateException ex) {
			// the JVM is shutting down: the hook kills the process anyway
		}
		deleteRecursively(this.workDir);
	}

	/**
	 * Stops the server, as {@link #stop()} does.
	 */
	@Override
	public void close() {
		stop();
	}

	@Override
	public String toString() {
		return "TestRedisServer[" + HOST + ":" + this.port + "]";
	}

	private static List<String> arguments(String[] args) {
		List<String> arguments = new ArrayList<>(args.length);
		for (int i = 0; i < args.length; i++) {
			if (args[i] == null) {
				throw new IllegalArgumentException("redis-server argument " + i + " is null");
			}
			arguments.add(args[i]);
		}
		return arguments;
	}

	private static int requestedPort(List<String> arguments) {
		int port = 0;
		for (int i = 0; i < arguments.size(); i++) {
			if (arguments.get(i).equals("--port")) {
				String value = (i + 1 < arguments.size()) ? arguments.get(i + 1) : "";
				try {
					port = Integer.parseInt(value);
				}
				catch (NumberFormatException ex) {
					throw new IllegalArgumentException("--port needs a port number, got '" + value + "'");
				}
			}
		}
		return port;
	}

	private static TestRedisServer launch(int port, List<String> arguments) {
		Path workDir;
		try {
			workDir = Files.createTempDirectory("test-redis-" + port + "-");
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not create a directory for redis-server", ex);
		}
		List<String> command = new ArrayList<>();
		command.add(binary().toString());
		List<String> options = arguments;
		if (!arguments.isEmpty() && !arguments.get(0).startsWith("-")) {
			// redis-server reads a configuration file only as its first argument
			command.add(arguments.get(0));
			options = arguments.subList(1, arguments.size());
		}
		command.addAll(List.of("--port", String.valueOf(port), "--bind", HOST, "--save", "", "--appendonly", "no",
				"--daemonize", "no", "--protected-mode", "no", "--dir", workDir.toString()));
		command.addAll(options);
		Path log = workDir.resolve("redis.log");
		Process process;
		try {
			process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.to(log.toFile()))
				.start();
		}
		catch (IOException ex) {
			deleteRecursively(workDir);
			throw new IllegalStateException("Could not run " + command.get(0), ex);
		}
		TestRedisServer server = new TestRedisServer(port, workDir, process);
		try {
			server.awaitPing(log);
			return server;
		}
		catch (RuntimeException ex) {
			server.stop();
			throw ex;
		}
	}

	private void awaitPing(Path log) {
		long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
		String reply = null;
		while (System.nanoTime() < deadline) {
			if (!this.process.isAlive()) {
				throw new IllegalStateException("redis-server on port " + this.port + " exited with code "
						+ this.process.exitValue() + ": " + read(log));
			}
			reply = ping(this.port);
			if ("+PONG".equals(reply)) {
				return;
			}
			try {
				Thread.sleep(20);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted while waiting for redis-server", ex);
			}
		}
		throw new IllegalStateException("redis-server on port " + this.port + " did not answer PING within "
				+ STARTUP_TIMEOUT + " (last reply: " + reply + "): " + read(log));
	}

	private static boolean acceptsConnections(int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(HOST, port), 1000);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	/**
	 * Sends an inline {@code PING}.
	 * @return the reply line, or {@code null} if nothing answers
	 */
	private static @Nullable String ping(int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(HOST, port), 1000);
			socket.setSoTimeout(2000);
			socket.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
			InputStream in = socket.getInputStream();
			StringBuilder line = new StringBuilder();
			int c;
			while ((c = in.read()) != -1 && c != '\n') {
				if (c != '\r') {
					line.append((char) c);
				}
			}
			return line.toString();
		}
		catch (IOException ex) {
			return null;
		}
	}

	private static synchronized Path binary() {
		Path located = binary;
		if (located == null) {
			located = locateBinary();
			binary = located;
		}
		return located;
	}

	private static Path locateBinary() {
		String configured = System.getenv("CACHE_TEST_REDIS_SERVER");
		if (configured != null && !configured.isBlank() && !configured.equals("embedded")) {
			return Path.of(configured);
		}
		if (!"embedded".equals(configured)) {
			String path = System.getenv("PATH");
			if (path != null) {
				for (String dir : path.split(File.pathSeparator)) {
					Path candidate = Path.of(dir, "redis-server");
					if (Files.isExecutable(candidate)) {
						return candidate;
					}
				}
			}
		}
		return extractEmbedded();
	}

	private static Path extractEmbedded() {
		try (InputStream in = TestRedisServer.class.getClassLoader().getResourceAsStream(EMBEDDED_RESOURCE)) {
			if (in == null) {
				throw new IllegalStateException("No redis-server on PATH and no " + EMBEDDED_RESOURCE
						+ " on the classpath (add com.github.codemonstur:embedded-redis as a test dependency)");
			}
			Path dir = Files.createTempDirectory("embedded-redis-");
			Path target = dir.resolve("redis-server");
			Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
			Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
			target.toFile().deleteOnExit();
			dir.toFile().deleteOnExit();
			return target;
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not extract the embedded redis-server", ex);
		}
	}

	/**
	 * A free loopback port other than 6379, below 55000: a cluster node also needs its
	 * port + 10000 for the cluster bus.
	 */
	private static int freePort() {
		for (int i = 0; i < 20; i++) {
			try (ServerSocket socket = new ServerSocket()) {
				socket.setReuseAddress(false);
				socket.bind(new InetSocketAddress(HOST, 0));
				int port = socket.getLocalPort();
				if (port != 6379 && port < 55000) {
					return port;
				}
			}
			catch (IOException ex) {
				throw new IllegalStateException("No free loopback port", ex);
			}
		}
		throw new IllegalStateException("No free loopback port below 55000 found");
	}

	private static String read(Path log) {
		try {
			return Files.readString(log);
		}
		catch (IOException ex) {
			return "(no log: " + ex.getMessage() + ")";
		}
	}

	private static void deleteRecursively(Path dir) {
		try (Stream<Path> paths = Files.walk(dir)) {
			paths.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
		}
		catch (IOException ex) {
			// a temporary directory left behind
		}
	}

	private static final class ConnectionDetails implements DataRedisConnectionDetails {

		private final Standalone standalone;

		ConnectionDetails(String host, int port) {
			this.standalone = Standalone.of(host, port);
		}

		@Override
		public Standalone getStandalone() {
			return this.standalone;
		}

	}

}
