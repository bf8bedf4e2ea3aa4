package io.github.saasframework.cache.internal.keys;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import io.github.saasframework.cache.internal.KeyNamespace;
import io.github.saasframework.cache.internal.redis.RedisDoor;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.InvalidDataAccessApiUsageException;
import org.springframework.data.redis.connection.ClusterSlotHashUtil;
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
public final class KeyScanner {

	/**
	 * {@code COUNT} hint for internal walks: large pages, few round trips, short server
	 * work.
	 */
	public static final int PAGE = 1000;

	private final RedisDoor door;

	/**
	 * The key walks of a root cache.
	 * @param door the door
	 */
	public KeyScanner(RedisDoor door) {
		this.door = door;
	}

	/**
	 * Deletes the keys matching a pattern: {@code SCAN} pages and one {@code UNLINK} per
	 * page.
	 * @param namespace the cache's namespace
	 * @param pattern the glob, relative to the namespace
	 * @return how many keys were removed
	 */
	public long deleteByPattern(KeyNamespace namespace, String pattern) {
		ScanOptions options = options(namespace, pattern, PAGE);
		return this.door.execute((connection) -> {
			long count = 0;
			List<byte[]> page = new ArrayList<>(PAGE);
			try (Cursor<byte[]> cursor = connection.keyCommands().scan(options)) {
				while (cursor.hasNext()) {
					page.add(cursor.next());
					if (page.size() >= PAGE) {
						count += unlink(page);
						page.clear();
					}
				}
			}
			if (!page.isEmpty()) {
				count += unlink(page);
			}
			return count;
		});
	}

	/**
	 * The keys matching a pattern, relative to the namespace.
	 * @param namespace the cache's namespace
	 * @param pattern the glob
	 * @return the keys, each once
	 */
	public List<String> keys(KeyNamespace namespace, String pattern) {
		ScanOptions options = options(namespace, pattern, PAGE);
		return this.door.execute((connection) -> {
			Set<String> found = new LinkedHashSet<>();
			try (Cursor<byte[]> cursor = connection.keyCommands().scan(options)) {
				cursor.forEachRemaining((raw) -> found.add(namespace.relativeKey(raw)));
			}
			return List.copyOf(found);
		});
	}

	/**
	 * A lazy walk of the keys matching a pattern; close it.
	 * @param namespace the cache's namespace
	 * @param pattern the glob
	 * @param count the {@code COUNT} hint
	 * @return the keys, relative to the namespace
	 */
	public Stream<String> scan(KeyNamespace namespace, String pattern, int count) {
		LazyCursor cursor = new LazyCursor(this.door.factory(), options(namespace, pattern, count));
		return StreamSupport.stream(cursor, false).map(namespace::relativeKey).onClose(cursor::close);
	}

	/**
	 * One page through the door, so that the near cache hears of every key removed (on a
	 * cluster the door splits it by slot).
	 */
	private long unlink(List<byte[]> keys) {
		return this.door.await(this.door.unlink(keys.toArray(new byte[0][])));
	}

	/**
	 * {@code RENAME}; on a Redis Cluster only within one hash slot (Spring Data's own
	 * fallback, {@code DUMP}, {@code RESTORE} and {@code DEL}, is neither atomic nor safe
	 * for the TTL), refused before anything is sent otherwise.
	 * @param oldKey the old unprefixed key, for the message
	 * @param from the old Redis key
	 * @param newKey the new unprefixed key, for the message
	 * @param to the new Redis key
	 */
	public void rename(String oldKey, byte[] from, String newKey, byte[] to) {
		if (this.door.isCluster()) {
			int fromSlot = ClusterSlotHashUtil.calculateSlot(from);
			int toSlot = ClusterSlotHashUtil.calculateSlot(to);
			if (fromSlot != toSlot) {
				throw new InvalidDataAccessApiUsageException("Cannot rename '" + oldKey + "' to '" + newKey
						+ "' on a Redis Cluster: the keys are in different hash slots (" + fromSlot + " and " + toSlot
						+ "), and RENAME is atomic only within one slot. Give both keys the same {hash tag}, "
						+ "such as '{order:42}:draft' and '{order:42}:final'");
			}
		}
		this.door.await(this.door.rename(from, to));
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
