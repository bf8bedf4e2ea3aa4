package io.github.saasframework.cache.test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * A {@code redis-server} process of a test's own, on a free loopback port: the server
 * behind {@link AutoConfigureTestRedis}, also usable on its own (a test that starts and
 * stops servers itself, or simulates a crash with {@link #kill()} and
 * {@link #restart()}). Never port 6379: other things on the machine may use that one.
 * <p>
 * The binary is, in order: the path in the environment variable
 * {@code CACHE_TEST_REDIS_SERVER} (the value {@code embedded} forces the next option), a
 * {@code redis-server} on {@code PATH}, or the binary that {@code com.github.codemonstur:
 * embedded-redis} ships (Redis 6.2, Linux x86_64), extracted once per JVM. So the tests
 * pass on a machine with only a JDK.
 * <p>
 * Each process keeps nothing on disk ({@code save ""}, {@code appendonly no}) and is
 * stopped by {@link #stop()}, by {@link #close()}, or at the latest when the JVM exits.
 */
public final class TestRedisServer implements AutoCloseable {

	private static final String EMBEDDED_RESOURCE = "redis-server-6.2.6-v5-linux-amd64";

	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(20);

	private static volatile @Nullable Path binary;

	private final int port;

	private final List<String> extraArgs;

	private final Path workDir;

	private final @Nullable String sentinelConfig;

	private volatile @Nullable Process process;

	private TestRedisServer(int port, List<String> extraArgs, @Nullable String sentinelConfig) throws IOException {
		this.port = port;
		this.extraArgs = List.copyOf(extraArgs);
		this.workDir = Files.createTempDirectory("redis-test-" + port + "-");
		this.sentinelConfig = sentinelConfig;
	}

	/**
	 * Starts a standalone server on a free loopback port and waits until it answers PING.
	 * @param extraArgs further {@code redis-server} arguments, such as
	 * {@code "--cluster-enabled", "yes"}
	 * @return the running server
	 */
	public static TestRedisServer start(String... extraArgs) {
		return start(null, Arrays.asList(extraArgs));
	}

	/**
	 * Starts a Sentinel ({@code redis-server <config> --sentinel}) on a free loopback
	 * port that monitors a master, and waits until it answers PING.
	 * @param config the Sentinel configuration, such as
	 * {@code "sentinel monitor mymaster 127.0.0.1 7000 2"} lines; Sentinel rewrites the
	 * file as it learns the topology
	 * @return the running Sentinel
	 */
	public static TestRedisServer startSentinel(String config) {
		return start(config, List.of("--sentinel"));
	}

	private static TestRedisServer start(@Nullable String sentinelConfig, List<String> extraArgs) {
		IllegalStateException last = new IllegalStateException("redis-server was not started");
		for (int attempt = 0; attempt < 3; attempt++) {
			int port = freePort();
			try {
				TestRedisServer server = new TestRedisServer(port, extraArgs, sentinelConfig);
				server.launch();
				return server;
			}
			catch (IOException | IllegalStateException ex) {
				last = new IllegalStateException("Could not start redis-server on port " + port, ex);
			}
		}
		throw last;
	}

	/**
	 * The binary the tests use: see the class documentation.
	 * @return the path of an executable {@code redis-server}
	 */
	public static synchronized Path binary() {
		Path located = binary;
		if (located == null) {
			located = locateBinary();
			binary = located;
		}
		return located;
	}

	/**
	 * Finds a free loopback port other than 6379.
	 * @return a port that was free a moment ago
	 */
	public static int freePort() {
		for (int i = 0; i < 20; i++) {
			try (ServerSocket socket = new ServerSocket()) {
				socket.setReuseAddress(false);
				socket.bind(new InetSocketAddress("127.0.0.1", 0));
				int port = socket.getLocalPort();
				// cluster mode also needs port + 10000 for the bus
				if (port != 6379 && port < 55000) {
					return port;
				}
			}
			catch (IOException ex) {
				throw new IllegalStateException("No free port", ex);
			}
		}
		throw new IllegalStateException("No free port below 55000 found");
	}

	/** The loopback host. */
	public String host() {
		return "127.0.0.1";
	}

	/** The port the server listens on. */
	public int port() {
		return this.port;
	}

	/** The process id, while running. */
	public long pid() {
		Process current = this.process;
		if (current == null) {
			throw new IllegalStateException("redis-server on port " + this.port + " is not running");
		}
		return current.pid();
	}

	/** Whether the process is running. */
	public boolean isRunning() {
		Process current = this.process;
		return current != null && current.isAlive();
	}

	/**
	 * Stops the process (SIGTERM, then SIGKILL after 5 s) and waits for it to end.
	 */
	public void stop() {
		Process current = this.process;
		if (current == null) {
			return;
		}
		current.destroy();
		try {
			if (!current.waitFor(5, TimeUnit.SECONDS)) {
				current.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			current.destroyForcibly();
		}
		this.process = null;
	}

	/**
	 * Kills the process (SIGKILL), as a crash or a lost machine would end it, and waits
	 * for it to end.
	 */
	public void kill() {
		Process current = this.process;
		if (current == null) {
			return;
		}
		current.destroyForcibly();
		try {
			current.waitFor(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.process = null;
	}

	/**
	 * Starts the process again on the same port, empty, with the same arguments.
	 */
	public void restart() {
		stop();
		try {
			launch();
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not restart redis-server on port " + this.port, ex);
		}
	}

	/**
	 * Sends one command and returns its reply: a status, error or integer reply as its
	 * line (such as {@code +PONG} or {@code :1}), a bulk reply (such as {@code INFO
	 * server}) as its content. Enough for tests and tools; arrays are not read.
	 * @param command the command words
	 * @return the reply
	 */
	public String command(String... command) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(host(), this.port), 1000);
			socket.setSoTimeout(5000);
			OutputStream out = socket.getOutputStream();
			StringBuilder request = new StringBuilder("*").append(command.length).append("\r\n");
			for (String word : command) {
				byte[] bytes = word.getBytes(StandardCharsets.UTF_8);
				request.append('$').append(bytes.length).append("\r\n").append(word).append("\r\n");
			}
			out.write(request.toString().getBytes(StandardCharsets.UTF_8));
			out.flush();
			InputStream in = socket.getInputStream();
			String line = readLine(in);
			if (line.startsWith("$") && !line.equals("$-1")) {
				return new String(in.readNBytes(Integer.parseInt(line.substring(1))), StandardCharsets.UTF_8);
			}
			return line;
		}
		catch (IOException ex) {
			throw new IllegalStateException("redis-server on port " + this.port + " did not answer", ex);
		}
	}

	@Override
	public void close() {
		stop();
	}

	private void launch() throws IOException {
		List<String> command = new ArrayList<>();
		command.add(binary().toString());
		if (this.sentinelConfig != null) {
			// the configuration file must come first; Sentinel needs it writable
			Path config = this.workDir.resolve("sentinel.conf");
			Files.writeString(config, this.sentinelConfig + "\n");
			command.add(config.toString());
		}
		command.addAll(List.of("--port", String.valueOf(this.port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
				"no", "--daemonize", "no", "--protected-mode", "no", "--dir", this.workDir.toString()));
		command.addAll(this.extraArgs);
		Path log = this.workDir.resolve("redis.log");
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
		Process started = builder.start();
		this.process = started;
		Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly));
		long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
		while (System.nanoTime() < deadline) {
			if (!started.isAlive()) {
				throw new IllegalStateException(
						"redis-server exited with " + started.exitValue() + ": " + Files.readString(log));
			}
			if (answersPing()) {
				return;
			}
			sleep(20);
		}
		started.destroyForcibly();
		throw new IllegalStateException("redis-server did not answer PING within " + STARTUP_TIMEOUT);
	}

	private boolean answersPing() {
		try {
			return "+PONG".equals(command("PING"));
		}
		catch (IllegalStateException ex) {
			return false;
		}
	}

	private static String readLine(InputStream in) throws IOException {
		StringBuilder line = new StringBuilder();
		int c;
		while ((c = in.read()) != -1 && c != '\n') {
			if (c != '\r') {
				line.append((char) c);
			}
		}
		return line.toString();
	}

	private static Path locateBinary() {
		String configured = System.getenv("CACHE_TEST_REDIS_SERVER");
		if (configured != null && !configured.isBlank() && !configured.equals("embedded")) {
			return Path.of(configured);
		}
		if (!"embedded".equals(configured)) {
			String path = System.getenv("PATH");
			if (path != null) {
				for (String dir : path.split(java.io.File.pathSeparator)) {
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

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for redis-server", ex);
		}
	}

}
