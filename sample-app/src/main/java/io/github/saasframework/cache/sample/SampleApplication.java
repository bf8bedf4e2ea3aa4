package io.github.saasframework.cache.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cache.annotation.EnableCaching;

/**
 * The sample application. Run it with {@code ./mvnw -pl sample-app -am spring-boot:run}:
 * it uses the Redis at {@code spring.data.redis.host/port} when one answers, and
 * otherwise starts an embedded {@code redis-server} of its own (see
 * {@link EmbeddedRedisEnvironmentPostProcessor}).
 */
@SpringBootApplication
@EnableCaching
public class SampleApplication {

	/**
	 * Starts the application.
	 * @param args command line arguments, such as {@code --spring.data.redis.port=6380}
	 */
	public static void main(String[] args) {
		SpringApplication.run(SampleApplication.class, args);
	}

}
