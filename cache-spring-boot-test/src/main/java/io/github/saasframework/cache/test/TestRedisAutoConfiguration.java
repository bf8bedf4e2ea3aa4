package io.github.saasframework.cache.test;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.context.annotation.Bean;

/**
 * What {@link AutoConfigureTestRedis} imports: a {@link TestRedisServer} bean (the
 * context's own one if it declares one, else a new server, stopped when the context
 * closes) and the {@link DataRedisConnectionDetails} pointing at it, registered before
 * {@link DataRedisAutoConfiguration} so that Boot's own properties-based details back
 * off.
 */
@AutoConfiguration(before = DataRedisAutoConfiguration.class)
@ConditionalOnMissingBean(DataRedisConnectionDetails.class)
public final class TestRedisAutoConfiguration {

	@Bean(destroyMethod = "stop")
	@ConditionalOnMissingBean
	TestRedisServer testRedisServer() {
		return TestRedisServer.start();
	}

	@Bean
	DataRedisConnectionDetails testRedisConnectionDetails(TestRedisServer testRedisServer) {
		return testRedisServer.connectionDetails();
	}

}
