package io.github.saasframework.cache;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.Cursor;
import org.springframework.data.redis.core.RedisConnectionUtils;
import org.springframework.data.redis.core.ScanOptions;

/**
 * Everything that walks the key space: {@code SCAN} with {@code MATCH} (never
 * {@code KEYS}), and {@code UNLINK} per page for pattern deletion. On a Redis Cluster the
 * connection's {@code SCAN} visits every master.
 */
final class KeyScanner {

	/**
	 * {@code COUNT} hint for internal walks: large pages, few round trips, short server
	 * work.
	 */
	static final int PAGE = 1000;

	private final RedisCalls redis;

	KeyScanner(RedisCalls redis) {
		this.redis = redis;
	}

	long deleteByPattern(KeyNamespace namespace, String pattern) {
		ScanOptions options = options(namespace, pattern, PAGE);
		return this.redis.execute((connection) -> {
			long count = 0;
			List<byte[]> page = new ArrayList<>(PAGE);
			try (Cursor<byte[]> cursor = connection.keyCommands().scan(options)) {
				while (cursor.hasNext()) {
					page.add(cursor.next());
					if (page.size() >= PAGE) {
						count += unlink(connection, page);
						page.clear();
					}
				}
			}
			if (!page.isEmpty()) {
				count += unlink(connection, page);
			}
			return count;
		});
	}

	List<String> keys(KeyNamespace namespace, String pattern) {
		ScanOptions options = options(namespace, pattern, PAGE);
		return this.redis.execute((connection) -> {
			Set<String> found = new LinkedHashSet<>();
			try (Cursor<byte[]> cursor = connection.keyCommands().scan(options)) {
				cursor.forEachRemaining((raw) -> found.add(namespace.relativeKey(raw)));
			}
			return List.copyOf(found);
		});
	}

	Stream<String> scan(KeyNamespace namespace, String pattern, int count) {
		LazyCursor cursor = new LazyCursor(this.redis.factory(), options(namespace, pattern, count));
		return StreamSupport.stream(cursor, false).map(namespace::relativeKey).onClose(cursor::close);
	}

	private static long unlink(RedisConnection connection, List<byte[]> keys) {
		Long removed = connection.keyCommands().unlink(keys.toArray(new byte[0][]));
		return (removed != null) ? removed : 0;
	}

	private static ScanOptions options(KeyNamespace namespace, String pattern, int count) {
		return ScanOptions.scanOptions().match(namespace.scanPattern(pattern)).count(count).build();
	}

	/**
	 * A SCAN cursor that takes its connection and runs its first SCAN only when the
	 * stream asks for the first key, and gives the connection back when the stream is
	 * closed.
	 */
	private static final class LazyCursor extends Spliterators.AbstractSpliterator<byte[]> {

		private final RedisConnectionFactory factory;

		private final ScanOptions options;

		private @Nullable RedisConnection connection;

		private @Nullable Cursor<byte[]> cursor;

		private boolean closed;

		LazyCursor(RedisConnectionFactory factory, ScanOptions options) {
			super(Long.MAX_VALUE, Spliterator.NONNULL);
			this.factory = factory;
			this.options = options;
		}

		@Override
		public synchronized boolean tryAdvance(Consumer<? super byte[]> action) {
			if (this.closed) {
				throw new IllegalStateException("The key stream is closed");
			}
			Cursor<byte[]> current = this.cursor;
			if (current == null) {
				RedisConnection opened = RedisConnectionUtils.getConnection(this.factory);
				this.connection = opened;
				current = opened.keyCommands().scan(this.options);
				this.cursor = current;
			}
			if (!current.hasNext()) {
				return false;
			}
			action.accept(current.next());
			return true;
		}

		synchronized void close() {
			this.closed = true;
			try {
				if (this.cursor != null) {
					this.cursor.close();
				}
			}
			finally {
				if (this.connection != null) {
					RedisConnectionUtils.releaseConnection(this.connection, this.factory);
				}
				this.cursor = null;
				this.connection = null;
			}
		}

	}

}
