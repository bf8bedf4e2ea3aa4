package io.github.saasframework.cache.benchmarks;

import java.io.File;
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
	 * @return such as {@code 7.0.15}, or {@code unknown}
	 */
	public String version() {
		return this.server.command("INFO", "server")
			.lines()
			.filter((line) -> line.startsWith("redis_version:"))
			.map((line) -> line.substring("redis_version:".length()))
			.findFirst()
			.orElse("unknown");
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

}
