package io.github.saasframework.cache.benchmarks;

import java.io.File;
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
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The benchmarks' own {@code redis-server} on a free loopback port, found as the tests
 * find theirs ({@code RedisServerProcess} in cache-core's tests): the path in
 * {@code CACHE_TEST_REDIS_SERVER} ({@code embedded} forces the embedded one), a
 * {@code redis-server} on {@code PATH}, or the binary shipped by
 * {@code com.github.codemonstur:embedded-redis}. Never port 6379; nothing kept on disk.
 */
public final class BenchRedis implements AutoCloseable {

	private static final String EMBEDDED_RESOURCE = "redis-server-6.2.6-v5-linux-amd64";

	private final Path binary;

	private final int port;

	private final Process process;

	private BenchRedis(Path binary, int port, Process process) {
		this.binary = binary;
		this.port = port;
		this.process = process;
	}

	/**
	 * Starts a server and waits until it answers {@code PING}.
	 * @return the running server
	 * @throws IOException if it cannot be started
	 */
	public static BenchRedis start() throws IOException {
		Path binary = locateBinary();
		int port = freePort();
		Path dir = Files.createTempDirectory("bench-redis-" + port + "-");
		Path log = dir.resolve("redis.log");
		Process process = new ProcessBuilder(binary.toString(), "--port", String.valueOf(port), "--bind", "127.0.0.1",
				"--save", "", "--appendonly", "no", "--daemonize", "no", "--protected-mode", "no", "--dir",
				dir.toString())
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
		BenchRedis server = new BenchRedis(binary, port, process);
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
		while (System.nanoTime() < deadline) {
			if (!process.isAlive()) {
				throw new IOException("redis-server exited with " + process.exitValue() + ": " + Files.readString(log));
			}
			if ("+PONG".equals(server.commandQuietly("PING"))) {
				return server;
			}
			sleep(20);
		}
		process.destroyForcibly();
		throw new IOException("redis-server did not answer PING within 20 s");
	}

	/**
	 * The port the server listens on.
	 * @return the port
	 */
	public int port() {
		return this.port;
	}

	/**
	 * The binary that was started.
	 * @return its path
	 */
	public Path binary() {
		return this.binary;
	}

	/**
	 * The server's version, from {@code INFO server}.
	 * @return such as {@code 7.0.15}
	 */
	public String version() {
		return redisVersion(this.port);
	}

	/**
	 * Reads the version of the server on a port.
	 * @param port the loopback port
	 * @return such as {@code 7.0.15}, or {@code unknown}
	 */
	static String redisVersion(int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
			socket.setSoTimeout(5000);
			OutputStream out = socket.getOutputStream();
			out.write("INFO server\r\n".getBytes(StandardCharsets.US_ASCII));
			out.flush();
			InputStream in = socket.getInputStream();
			String header = readLine(in);
			int length = Integer.parseInt(header.substring(1));
			byte[] body = in.readNBytes(length);
			for (String line : new String(body, StandardCharsets.UTF_8).split("\r\n")) {
				if (line.startsWith("redis_version:")) {
					return line.substring("redis_version:".length());
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			// reported as unknown
		}
		return "unknown";
	}

	/**
	 * A {@code redis-cli} on {@code PATH}, if there is one.
	 * @return its path
	 */
	public static Optional<Path> redisCli() {
		return onPath("redis-cli");
	}

	@Override
	public void close() {
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
	}

	private String commandQuietly(String command) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", this.port), 1000);
			socket.setSoTimeout(5000);
			socket.getOutputStream().write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
			socket.getOutputStream().flush();
			return readLine(socket.getInputStream());
		}
		catch (IOException ex) {
			return "";
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

	private static int freePort() throws IOException {
		for (int i = 0; i < 20; i++) {
			try (ServerSocket socket = new ServerSocket()) {
				socket.setReuseAddress(false);
				socket.bind(new InetSocketAddress("127.0.0.1", 0));
				int port = socket.getLocalPort();
				if (port != 6379) {
					return port;
				}
			}
		}
		throw new IOException("No free loopback port");
	}

	private static Path locateBinary() throws IOException {
		String configured = System.getenv("CACHE_TEST_REDIS_SERVER");
		if (configured != null && !configured.isBlank() && !configured.equals("embedded")) {
			return Path.of(configured);
		}
		if (!"embedded".equals(configured)) {
			Optional<Path> onPath = onPath("redis-server");
			if (onPath.isPresent()) {
				return onPath.get();
			}
		}
		try (InputStream in = BenchRedis.class.getClassLoader().getResourceAsStream(EMBEDDED_RESOURCE)) {
			if (in == null) {
				throw new IOException("No redis-server on PATH and no " + EMBEDDED_RESOURCE + " on the class path");
			}
			Path dir = Files.createTempDirectory("bench-embedded-redis-");
			Path target = dir.resolve("redis-server");
			Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
			Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
			target.toFile().deleteOnExit();
			dir.toFile().deleteOnExit();
			return target;
		}
	}

	private static Optional<Path> onPath(String name) {
		String path = System.getenv("PATH");
		if (path == null) {
			return Optional.empty();
		}
		for (String dir : List.of(path.split(File.pathSeparator))) {
			Path candidate = Path.of(dir, name);
			if (Files.isExecutable(candidate)) {
				return Optional.of(candidate);
			}
		}
		return Optional.empty();
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

}
