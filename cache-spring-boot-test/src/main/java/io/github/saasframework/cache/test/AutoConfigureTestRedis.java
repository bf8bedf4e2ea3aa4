package io.github.saasframework.cache.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;

/**
 * Starts a real {@code redis-server} for the test's application context and points the
 * application's Redis connection at it, as {@code @AutoConfigureTestDatabase} does for a
 * {@code DataSource}:
 * <ul>
 * <li>the binary is the {@code redis-server} on {@code PATH}, else the one shipped by
 * {@code com.github.codemonstur:embedded-redis} (see {@link TestRedisServer});</li>
 * <li>it listens on a free loopback port (never 6379) and keeps nothing on disk;</li>
 * <li>the application connects through a {@code DataRedisConnectionDetails} bean, which
 * takes the place of {@code spring.data.redis.host}, {@code port} and {@code url} (other
 * {@code spring.data.redis.*} settings such as timeouts still apply);</li>
 * <li>the server is a bean of the context ({@link TestRedisServer}, to autowire for its
 * host and port), so Spring's test context cache shares it between test classes with the
 * same configuration, and it stops when that context closes; a {@code TestRedisServer}
 * bean the test declares itself (started with extra arguments, say) is used instead.</li>
 * </ul>
 * When the context already has a {@code DataRedisConnectionDetails} bean (a
 * Testcontainers {@code @ServiceConnection}, say), that one is used and no server is
 * started. <pre class="code">
 * &#64;SpringBootTest
 * &#64;AutoConfigureTestRedis
 * class OrderServiceTests {
 *
 *     &#64;Autowired
 *     OrderService orders;
 *
 *     &#64;Test
 *     void cachesTheLookup() { ... }
 * }
 * </pre>
 *
 * @see TestRedisServer
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ImportAutoConfiguration
public @interface AutoConfigureTestRedis {

}
