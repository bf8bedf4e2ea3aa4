package io.github.saasframework.cache.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import io.github.saasframework.cache.test.TestRedisServer;

/**
 * A {@code redis-server} for fault tests: a node that can crash ({@link #kill()}), freeze
 * ({@code kill -STOP} on its {@link #pid()}) and come back on the same port with the same
 * directory ({@link #restart()}), takes raw commands ({@link #command}), and can be a
 * Sentinel ({@link #startSentinel}).
 * <p>
 * Each incarnation of the node is a {@link TestRedisServer} (module
 * {@code cache-spring-boot-test}: the binary lookup, the launch and the wait for
 * {@code PING} live there only), started with {@code --dir} of this node's own directory
 * and, on a restart, its {@code --port}. The process id is what Redis reports
 * ({@code INFO server}, {@code process_id}); signals go to that process.
 */
public final class RedisServerProcess implements AutoCloseable {

	private final List<String> args;

	private final Path dir;

	private final int port;

	private volatile TestRedisServer server;

	private volatile long pid;

	private volatile boolean running;

	private RedisServerProcess(List<String> args, Path dir) {
		this.args = args;
		this.dir = dir;
		try {
			this.server = launch(args, dir, List.of());
		}
		catch (RuntimeException ex) {
			deleteRecursively(dir);
			throw ex;
		}
		this.port = this.server.port();
		try {
			this.pid = readPid();
		}
		catch (RuntimeException ex) {
			stop();
			throw ex;
		}
		this.running = true;
	}

	/**
	 * Starts a standalone server on a free loopback port and waits until it answers PING.
	 * @param extraArgs further {@code redis-server} arguments, such as
	 * {@code "--cluster-enabled", "yes"}
	 * @return the running server
	 */
	public static RedisServerProcess start(String... extraArgs) {
		return new RedisServerProcess(List.of(extraArgs), createDirectory());
	}

	/**
	 * Starts a Sentinel ({@code redis-server <config> --sentinel}) on a free loopback
	 * port that monitors a master, and waits until it answers PING.
	 * @param config the Sentinel configuration, such as
	 * {@code "sentinel monitor mymaster 127.0.0.1 7000 2"} lines; Sentinel rewrites the
	 * file (in this node's directory) as it learns the topology
	 * @return the running Sentinel
	 */
	public static RedisServerProcess startSentinel(String config) {
		Path dir = createDirectory();
		Path file = dir.resolve("sentinel.conf");
		try {
			Files.writeString(file, config + "\n");
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not write " + file, ex);
		}
		return new RedisServerProcess(List.of(file.toString(), "--sentinel"), dir);
	}

	/**
	 * A loopback port where nothing listens, other than 6379: for a client that must find
	 * no server.
	 * @return a port that was free a moment ago
	 */
	public static int freePort() {
		for (int i = 0; i < 20; i++) {
			try (ServerSocket socket = new ServerSocket()) {
				socket.bind(new InetSocketAddress("127.0.0.1", 0));
				if (socket.getLocalPort() != 6379) {
					return socket.getLocalPort();
				}
			}
			catch (IOException ex) {
				throw new IllegalStateException("No free port", ex);
			}
		}
		throw new IllegalStateException("No free port other than 6379");
	}

	/** The loopback host. */
	public String host() {
		return this.server.host();
	}

	/** The port the node listens on, the same across restarts. */
	public int port() {
		return this.port;
	}

	/**
	 * The process id of the current incarnation, as Redis reported it: where to send
	 * {@code SIGSTOP} and {@code SIGCONT}.
	 * @return the process id
	 * @throws IllegalStateException if the node was stopped or killed
	 */
	public long pid() {
		if (!this.running) {
			throw new IllegalStateException("redis-server on port " + this.port + " is not running");
		}
		return this.pid;
	}

	/**
	 * Whether the process of the current incarnation lives (also while frozen by
	 * {@code SIGSTOP}): asks the operating system, not Redis.
	 * @return {@code false} once stopped, killed or ended otherwise
	 */
	public boolean isRunning() {
		return this.running && ProcessHandle.of(this.pid).map(ProcessHandle::isAlive).orElse(false);
	}

	/**
	 * Stops the process (SIGTERM, then SIGKILL after 5 s), waits for it to end and
	 * removes the node's directory.
	 */
	public void stop() {
		this.running = false;
		this.server.stop();
		deleteRecursively(this.dir);
	}

	/**
	 * Kills the process (SIGKILL), as a crash or a lost machine would end it, and waits
	 * for it to end. The node's directory stays (a cluster node's {@code nodes.conf}).
	 */
	public void kill() {
		if (!this.running) {
			return;
		}
		this.running = false;
		Optional<ProcessHandle> process = ProcessHandle.of(this.pid);
		if (process.isPresent()) {
			process.get().destroyForcibly();
			try {
				process.get().onExit().get(5, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			catch (ExecutionException | TimeoutException ex) {
				throw new IllegalStateException("redis-server " + this.pid + " did not end after SIGKILL", ex);
			}
		}
		this.server.stop();
	}

	/**
	 * Starts the node again on the same port with the same arguments and directory
	 * (stopping it first if it runs), empty: nothing is saved on disk but a cluster
	 * node's {@code nodes.conf} or a Sentinel's configuration.
	 */
	public void restart() {
		this.running = false;
		this.server.stop();
		try {
			Files.createDirectories(this.dir);
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not create " + this.dir, ex);
		}
		this.server = launch(this.args, this.dir, List.of("--port", String.valueOf(this.port)));
		this.pid = readPid();
		this.running = true;
	}

	/**
	 * Sends one command and returns its reply: a status, error or integer reply as its
	 * line (such as {@code +PONG} or {@code :1}), a bulk reply (such as {@code INFO
	 * server}) as its content. Arrays are not read.
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

	/**
	 * Stops the process, as {@link #stop()} does.
	 */
	@Override
	public void close() {
		stop();
	}

	private static TestRedisServer launch(List<String> args, Path dir, List<String> more) {
		List<String> all = new ArrayList<>(args);
		all.addAll(List.of("--dir", dir.toString()));
		all.addAll(more);
		return TestRedisServer.start(all.toArray(new String[0]));
	}

	private long readPid() {
		String info = command("INFO", "server");
		return info.lines()
			.filter((line) -> line.startsWith("process_id:"))
			.map((line) -> Long.parseLong(line.substring("process_id:".length()).trim()))
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("No process_id in INFO server of port " + this.port));
	}

	private static Path createDirectory() {
		try {
			return Files.createTempDirectory("redis-node-");
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not create a directory for redis-server", ex);
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
