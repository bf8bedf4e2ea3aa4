package io.github.saasframework.cache;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import io.github.saasframework.cache.lock.DistributedLock;
import org.jspecify.annotations.Nullable;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.RedisTemplate;

/**
 * Placeholder while the implementation is written.
 */
public final class RedisCache implements Cache {

	private RedisCache() {
	}

	/**
	 * Placeholder.
	 * @param factory the factory
	 * @param config the config
	 * @return never
	 */
	public static RedisCache create(RedisConnectionFactory factory, CacheConfig config) {
		throw new UnsupportedOperationException("not implemented yet");
	}

	/**
	 * Placeholder.
	 * @param template the template
	 * @param config the config
	 * @return never
	 */
	public static RedisCache create(RedisTemplate<String, byte[]> template, CacheConfig config) {
		throw new UnsupportedOperationException("not implemented yet");
	}

	/**
	 * Placeholder.
	 * @param template the template
	 * @param config the config
	 * @param options the options
	 * @return never
	 */
	public static RedisCache create(RedisTemplate<String, byte[]> template, CacheConfig config, CacheOptions options) {
		throw new UnsupportedOperationException("not implemented yet");
	}

	@Override
	public <T> Optional<T> get(String key, Class<T> type) {
		throw new UnsupportedOperationException("not implemented yet");
	}

	@Override
	public <T> Optional<T> get(String key, ParameterizedTypeReference<T> type) {
		throw new UnsupportedOperationException("not implemented yet");
	}

	@Override
	public void set(String key, Object value) {
		throw new UnsupportedOperationException("not implemented yet");
	}

	@Override
	public void set(String key, Object value, Duration ttl) {
		throw new UnsupportedOperationException("not implemented yet");
	}

	@Override
	public boolean delete(String key) {
		throw new UnsupportedOperationException("not implemented yet");
	}

	@Override
	public long exists(String... keys) {
		throw new UnsupportedOperationException("not implemented yet");
	}

	@Override
	public <T> Map<String, T> getAll(Collection<String> keys, Class<T> type) {
		throw new UnsupportedOperationException("not implemented yet");
	}

	@Override
	public <T> Map<String, T> getAll(Collection<String> keys, ParameterizedTypeReference<T> type) {
		throw new UnsupportedOperationException("not implemented yet");
	}

	@Override
	public void setAll(Map<String, ?> items, Duration ttl) {
		throw new UnsupportedOperationException("not implemented yet");
	}

	@Override
	public long deleteAll(Collection<String> keys) {
		throw new UnsupportedOperationException("not implemented yet");
	}

	@Override
	public <T> @Nullable T remember(String key, Duration ttl, Class<T> type, Callable<? extends T> loader) {
		throw new UnsupportedOperationException("not implemented yet");
	}

	@Override
	public <T> @Nullable T remember(String key, Duration ttl, ParameterizedTypeReference<T> type,
			Callable<? extends T> loader) {
		throw new UnsupportedOperationException("not implemented yet");
	}

	@Override
	public <T> @Nullable T rememberForever(String key, Class<T> type, Callable<? extends T> loader) {
		throw new UnsupportedOperationException("not implemented yet");
	}

	@Override
	public <T> @Nullable T rememberForever(String key, ParameterizedTypeReference<T> type,
			Callable<? extends T> loader) {
		throw new UnsupportedOperationException("not implemented yet");
	}

	@Override
	public long deleteByPattern(String pattern) {
		throw new UnsupportedOperationException("not implemented yet");
	}

	@Override
	public long flushPrefix() {
		throw new UnsupportedOperationException("not implemented yet");
	}

	@Override
	public long increment(String key) {
		throw new UnsupportedOperationException("not implemented yet");
	}

	@Override
	public long incrementBy(String key, long delta) {
		throw new UnsupportedOperationException("not implemented yet");
	}

	@Override
	public long incrementBy(String key, long delta, Duration ttl) {
		throw new UnsupportedOperationException("not implemented yet");
	}

	@Override
	public long decrement(String key) {
		throw new UnsupportedOperationException("not implemented yet");
	}

	@Override
	public long decrementBy(String key, long delta) {
		throw new UnsupportedOperationException("not implemented yet");
	}

	@Override
	public double incrementFloat(String key, double delta) {
		throw new UnsupportedOperationException("not implemented yet");
	}

	@Override
	public DistributedLock lock(String name, Duration ttl) {
		throw new UnsupportedOperationException("not implemented yet");
	}

	@Override
	public <T> @Nullable T withLock(String name, Duration ttl, Callable<T> action) {
		throw new UnsupportedOperationException("not implemented yet");
	}

	@Override
	public void withLock(String name, Duration ttl, ThrowingRunnable action) {
		throw new UnsupportedOperationException("not implemented yet");
	}

	@Override
	public Optional<Duration> getTtl(String key) {
		throw new UnsupportedOperationException("not implemented yet");
	}

	@Override
	public boolean expire(String key, Duration ttl) {
		throw new UnsupportedOperationException("not implemented yet");
	}

	@Override
	public boolean expireAt(String key, Instant when) {
		throw new UnsupportedOperationException("not implemented yet");
	}

	@Override
	public boolean persist(String key) {
		throw new UnsupportedOperationException("not implemented yet");
	}

	@Override
	public boolean touch(String key) {
		throw new UnsupportedOperationException("not implemented yet");
	}

	@Override
	public List<String> keys(String pattern) {
		throw new UnsupportedOperationException("not implemented yet");
	}

	@Override
	public Stream<String> scan(String pattern, int count) {
		throw new UnsupportedOperationException("not implemented yet");
	}

	@Override
	public void rename(String oldKey, String newKey) {
		throw new UnsupportedOperationException("not implemented yet");
	}

	@Override
	public Cache withPrefix(String prefix) {
		throw new UnsupportedOperationException("not implemented yet");
	}

	@Override
	public String prefix() {
		throw new UnsupportedOperationException("not implemented yet");
	}

}
