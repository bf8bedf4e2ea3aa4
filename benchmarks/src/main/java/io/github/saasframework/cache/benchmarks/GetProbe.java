package io.github.saasframework.cache.benchmarks;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;

/**
 * The GET loop that runs during pattern deletion, in a JVM of its own so that the
 * deleting JVM's garbage collection does not show up as Redis latency: it stands for the
 * other application instances that use the same Redis meanwhile.
 * <p>
 * Reads commands on standard input: {@code start} begins sending one {@code GET} every
 * millisecond; {@code stop} ends the loop and prints {@code <p99 ms> <max ms> <count>};
 * {@code quit} exits. Arguments: the port and the key to read.
 * <p>
 * What it measures is how long Redis keeps a client waiting, so it is built to add as
 * little of its own as it can: one blocking socket and one thread, RESP written and read
 * by hand (a client library's I/O thread would add two thread wake-ups per {@code GET};
 * on an idle 2-core virtual machine a Lettuce probe saw a worst GET of 4 to 30 ms per
 * second with nothing else running, this one of 0.8 to 3.4 ms). Each {@code GET} is
 * measured from when it was due, so a {@code GET} stuck behind a long command counts for
 * every {@code GET} a client would have sent meanwhile (no coordinated omission), but the
 * schedule goes on from when the probe wakes from its sleep between two {@code GET}s: the
 * probe's own late wake-up is not Redis latency. The probe collects its garbage before it
 * starts, so that its own pauses do not count.
 */
public final class GetProbe {

	private static final long INTERVAL_NANOS = 1_000_000;

	private GetProbe() {
	}

	/**
	 * Runs the probe.
	 * @param args the port and the key
	 * @throws Exception if the connection fails
	 */
	public static void main(String[] args) throws Exception {
		int port = Integer.parseInt(args[0]);
		byte[] key = args[1].getBytes(StandardCharsets.UTF_8);
		long[] latencies = new long[1 << 20];
		try (Socket socket = new Socket("127.0.0.1", port);
				BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
			socket.setTcpNoDelay(true);
			Get get = new Get(socket, key);
			for (int i = 0; i < 2000; i++) {
				get.run();
			}
			System.out.println("ready");
			String line;
			while ((line = in.readLine()) != null && !line.equals("quit")) {
				if (!line.equals("start")) {
					continue;
				}
				// a collection now rather than during the window: the probe's own pauses
				// are not Redis latency
				System.gc();
				Loop loop = new Loop(get, latencies);
				Thread thread = new Thread(loop, "get-probe");
				thread.start();
				System.out.println("started");
				while ((line = in.readLine()) != null && !line.equals("stop")) {
					// wait for stop
				}
				loop.running = false;
				thread.join();
				IOException failure = loop.failure;
				if (failure != null) {
					throw failure;
				}
				long[] sorted = Arrays.copyOf(latencies, loop.count);
				Arrays.sort(sorted);
				if (sorted.length == 0) {
					System.out.println("NaN NaN 0");
					continue;
				}
				double p99 = sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * 0.99) - 1)] / 1e6;
				double max = sorted[sorted.length - 1] / 1e6;
				System.out.printf(Locale.ROOT, "%.3f %.3f %d%n", p99, max, sorted.length);
			}
		}
	}

	/**
	 * One {@code GET} on a blocking socket: the command, then the bulk reply read whole.
	 */
	private static final class Get {

		private final byte[] command;

		private final OutputStream out;

		private final InputStream in;

		private byte[] value = new byte[64];

		Get(Socket socket, byte[] key) throws IOException {
			String head = "*2\r\n$3\r\nGET\r\n$" + key.length + "\r\n";
			byte[] prefix = head.getBytes(StandardCharsets.US_ASCII);
			this.command = new byte[prefix.length + key.length + 2];
			System.arraycopy(prefix, 0, this.command, 0, prefix.length);
			System.arraycopy(key, 0, this.command, prefix.length, key.length);
			this.command[this.command.length - 2] = '\r';
			this.command[this.command.length - 1] = '\n';
			this.out = socket.getOutputStream();
			this.in = new BufferedInputStream(socket.getInputStream());
		}

		void run() throws IOException {
			this.out.write(this.command);
			this.out.flush();
			int type = read();
			long length = 0;
			boolean negative = false;
			int b;
			while ((b = read()) != '\r') {
				if (b == '-') {
					negative = true;
				}
				else if (type == '$') {
					length = length * 10 + (b - '0');
				}
			}
			read();
			if (type != '$') {
				throw new IOException("GET replied " + (char) type + " instead of a bulk string");
			}
			if (!negative) {
				int remaining = (int) length + 2;
				if (this.value.length < remaining) {
					this.value = new byte[remaining];
				}
				int offset = 0;
				while (offset < remaining) {
					int n = this.in.read(this.value, offset, remaining - offset);
					if (n < 0) {
						throw new EOFException("Redis closed the connection");
					}
					offset += n;
				}
			}
		}

		private int read() throws IOException {
			int b = this.in.read();
			if (b < 0) {
				throw new EOFException("Redis closed the connection");
			}
			return b;
		}

	}

	private static final class Loop implements Runnable {

		private final Get get;

		private final long[] latencies;

		volatile boolean running = true;

		volatile IOException failure;

		int count;

		Loop(Get get, long[] latencies) {
			this.get = get;
			this.latencies = latencies;
		}

		@Override
		public void run() {
			try {
				long next = System.nanoTime();
				while (this.running && this.count < this.latencies.length) {
					long wait = next - System.nanoTime();
					if (wait > 0) {
						LockSupport.parkNanos(wait);
						// the schedule goes on from when the probe woke: its own late
						// wake-up is not Redis latency
						next = Math.max(next, System.nanoTime());
					}
					this.get.run();
					this.latencies[this.count++] = System.nanoTime() - next;
					next += INTERVAL_NANOS;
				}
			}
			catch (IOException ex) {
				this.failure = ex;
			}
		}

	}

}
