package io.github.saasframework.cache.test;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.test.context.TestContext;
import org.springframework.test.context.TestContextManager;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server's life follows its application context: Spring's test context cache hands
 * the same context, and so the same server, to test classes with the same configuration;
 * closing the context stops the server.
 */
class TestRedisContextLifecycleTests {

	@Test
	void testClassesWithTheSameConfigurationShareOneServer_andItStopsWithTheContext() {
		TestContext first = new TestContextManager(FirstTestClass.class).getTestContext();
		TestContext second = new TestContextManager(SecondTestClass.class).getTestContext();
		ApplicationContext context = first.getApplicationContext();
		assertThat(second.getApplicationContext()).isSameAs(context);
		TestRedisServer server = context.getBean(TestRedisServer.class);
		assertThat(second.getApplicationContext().getBean(TestRedisServer.class)).isSameAs(server);
		assertThat(TestRedisServerTests.acceptsConnections(server.port())).isTrue();

		TestContext other = new TestContextManager(OtherConfigurationTestClass.class).getTestContext();
		TestRedisServer otherServer = other.getApplicationContext().getBean(TestRedisServer.class);
		assertThat(otherServer.port()).as("another configuration, another context and server")
			.isNotEqualTo(server.port());

		first.markApplicationContextDirty(null);
		assertThat(TestRedisServerTests.acceptsConnections(server.port())).as("stopped with its context").isFalse();
		assertThat(TestRedisServerTests.acceptsConnections(otherServer.port())).isTrue();
		other.markApplicationContextDirty(null);
		assertThat(TestRedisServerTests.acceptsConnections(otherServer.port())).isFalse();
	}

	@Test
	void anExistingConnectionDetailsBeanWins_andNoServerStarts() {
		DataRedisConnectionDetails own = new DataRedisConnectionDetails() {

			@Override
			public Standalone getStandalone() {
				return Standalone.of("127.0.0.1", 1);
			}

		};
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(TestRedisAutoConfiguration.class, DataRedisAutoConfiguration.class))
			.withBean("ownConnectionDetails", DataRedisConnectionDetails.class, () -> own)
			.run((context) -> {
				assertThat(context).hasNotFailed().doesNotHaveBean(TestRedisServer.class);
				assertThat(context).getBean(DataRedisConnectionDetails.class).isSameAs(own);
			});
	}

	@Test
	void aTestRedisServerBeanOfTheTestsOwn_isTheOneConnectedTo_andClosedWithTheContext() {
		TestRedisServer own = TestRedisServer.start("--maxmemory", "10mb");
		try {
			new ApplicationContextRunner()
				.withConfiguration(
						AutoConfigurations.of(TestRedisAutoConfiguration.class, DataRedisAutoConfiguration.class))
				.withBean("ownServer", TestRedisServer.class, () -> own)
				.run((context) -> {
					assertThat(context).hasNotFailed().getBean(TestRedisServer.class).isSameAs(own);
					assertThat(context.getBean(DataRedisConnectionDetails.class).getStandalone().getPort())
						.isEqualTo(own.port());
				});
			assertThat(TestRedisServerTests.acceptsConnections(own.port())).as("closed with the context").isFalse();
		}
		finally {
			own.stop();
		}
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(DataRedisAutoConfiguration.class)
	static class App {

	}

	@SpringBootTest(classes = App.class, properties = "lifecycle-test=shared")
	@AutoConfigureTestRedis
	static class FirstTestClass {

	}

	@SpringBootTest(classes = App.class, properties = "lifecycle-test=shared")
	@AutoConfigureTestRedis
	static class SecondTestClass {

	}

	@SpringBootTest(classes = App.class, properties = "lifecycle-test=other")
	@AutoConfigureTestRedis
	static class OtherConfigurationTestClass {

	}

}
