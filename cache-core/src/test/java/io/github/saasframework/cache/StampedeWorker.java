package io.github.saasframework.cache;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * One process of the cross-JVM stampede test: {@code threads} threads call
 * {@code remember} on one cold key at the same moment; the loader counts its runs in a
 * Redis counter shared by all processes. Started by {@link DistributedRememberTests} as a
 * separate JVM, and also run in the test's own JVM.
 */
final class StampedeWorker {

	private StampedeWorker() {
	}

	/**
	 * Arguments: port, prefix, key, threads.
	 * @param args the arguments
	 * @throws Exception on failure (the exit code is then non-zero)
	 */
	public static void main(String[] args) throws Exception {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration("127.0.0.1", Integer.parseInt(args[0])));
		factory.afterPropertiesSet();
		factory.start();
		try {
			RedisCache cache = RedisCache.create(factory, CacheConfig.builder().keyPrefix(args[1]).build());
			cache.set("ready", "1");
			List<String> results = run(cache, args[2], Integer.parseInt(args[3]));
			System.out.println("results=" + results.size() + " distinct=" + results.stream().distinct().count());
		}
		finally {
			factory.destroy();
		}
	}

	static List<String> run(Cache cache, String key, int threads) throws Exception {
		// every process waits for the same go signal so that all threads miss together
		while (!cache.get("go", String.class).isPresent()) {
			Thread.sleep(2);
		}
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			List<Future<String>> futures = new ArrayList<>();
			for (int i = 0; i < threads; i++) {
				futures.add(pool.submit(() -> cache.remember(key, Duration.ofMinutes(5), String.class, () -> {
					cache.increment("loads");
					// a slow backend: long enough that every thread of both processes
					// misses
					Thread.sleep(300);
					return "loaded-once";
				})));
			}
			List<String> results = new ArrayList<>();
			for (Future<String> future : futures) {
				results.add(future.get(60, TimeUnit.SECONDS));
			}
			return results;
		}
		finally {
			pool.shutdownNow();
		}
	}

}
