package io.github.saasframework.cache.sample;

import io.github.saasframework.cache.Cache;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The second way to test an application that uses the starter: a Redis container from
 * Testcontainers, connected through Boot's {@code @ServiceConnection} (the image name
 * {@code redis} is what Boot's Redis connection-details factory recognises). It runs
 * where Docker runs; without Docker, {@code disabledWithoutDocker} skips the class and
 * JUnit reports why.
 */
@Testcontainers(disabledWithoutDocker = true)
@SpringBootTest(properties = { "sample.embedded-redis.enabled=false", "sample.slow-lookup-delay=10ms" })
class SampleApplicationContainerTests {

	@Container
	@ServiceConnection
	static final GenericContainer<?> redis = new GenericContainer<>("redis:7.4-alpine").withExposedPorts(6379);

	@Autowired
	private Cache cache;

	@Autowired
	private ProductService products;

	@Test
	void rememberStoresInTheContainersRedis() throws Exception {
		int before = this.products.lookups();
		this.products.find(7);
		this.products.find(7);
		assertThat(this.products.lookups() - before).isEqualTo(1);
		ExecResult exists = redis.execInContainer("redis-cli", "EXISTS", "sample:product:7");
		assertThat(exists.getStdout().trim()).isEqualTo("1");
		this.cache.delete("product:7");
	}

}
