package io.github.saasframework.cache.benchmarks;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import io.github.saasframework.cache.testsupport.RedisServerProcess;

/**
 * The benchmarks' own {@code redis-server} on a free loopback port: a
 * {@link RedisServerProcess}, the class the tests start theirs with, so the binary is
 * found the same way ({@code CACHE_TEST_REDIS_SERVER}, {@code PATH}, else the one shipped
 * by {@code embedded-redis}). Never port 6379; nothing kept on disk.
 */
public final class BenchRedis implements AutoCloseable {

	private final RedisServerProcess server;

	private BenchRedis(RedisServerProcess server) {
		this.server = server;
	}

	/**
	 * Starts a server and waits until it answers {@code PING}.
	 * @return the running server
	 */
	public static BenchRedis start() {
		return new BenchRedis(RedisServerProcess.start());
	}

	/**
	 * The port the server listens on.
	 * @return the port
	 */
	public int port() {
		return this.server.port();
	}

	/**
	 * The binary that was started.
	 * @return its path
	 */
	public Path binary() {
		return RedisServerProcess.binary();
	}

	/**
	 * The server's version, from {@code INFO server}.
	 * @return such as {@code 7.0.15}
	 */
	public String version() {
		return redisVersion(port());
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
		String path = System.getenv("PATH");
		if (path == null) {
			return Optional.empty();
		}
		for (String dir : path.split(File.pathSeparator)) {
			Path candidate = Path.of(dir, "redis-cli");
			if (Files.isExecutable(candidate)) {
				return Optional.of(candidate);
			}
		}
		return Optional.empty();
	}

	@Override
	public void close() {
		this.server.stop();
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

}
