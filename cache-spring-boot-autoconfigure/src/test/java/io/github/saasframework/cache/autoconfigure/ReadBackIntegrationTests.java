package io.github.saasframework.cache.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.saasframework.cache.Cache;
import io.github.saasframework.cache.annotation.Remember;
import io.github.saasframework.cache.serializer.CacheSerializationException;
import io.github.saasframework.cache.testsupport.RedisServerExtension;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cache.annotation.CachePut;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.data.redis.connection.RedisConnection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Issue 22, in a whole Spring Boot application on the shared test server: what a deploy
 * that changes a cached class's shape leaves behind (an entry in the old shape is a miss,
 * replaced by one load, for {@code @Cacheable} with and without {@code sync} and for
 * {@code @Remember}; a direct {@code get} keeps throwing), and that a value whose
 * declared type cannot be read back is never stored (found at startup where the type
 * tells, else on the first write of a class), the method running without the cache,
 * logged once and counted.
 */
@ExtendWith({ RedisServerExtension.class, OutputCaptureExtension.class })
class ReadBackIntegrationTests {

	static final String PREFIX = "readback-it";

	private ConfigurableApplicationContext context;

	private Service service;

	private MeterRegistry meters;

	private Cache cache;

	@BeforeEach
	void start() {
		TestRedis.flush(PREFIX);
		this.context = new SpringApplicationBuilder(TestApplication.class).web(WebApplicationType.NONE)
			.properties("app.cache.key-prefix=" + PREFIX)
			.run();
		this.service = this.context.getBean(Service.class);
		this.meters = this.context.getBean(MeterRegistry.class);
		this.cache = this.context.getBean(Cache.class);
	}

	@AfterEach
	void stop() {
		this.context.close();
		TestRedis.flush(PREFIX);
	}

	@Test
	void entryInAnOldShape_isReplacedByOneLoad_forCacheableSyncCacheableAndRemember() {
		// version 1 of Book was {isbn, name}; this version reads {id, title}
		String oldShape = "{\"isbn\":\"978-0\",\"name\":\"Old title\"}";
		rawSet(PREFIX + ":books:1", oldShape);
		rawSet(PREFIX + ":books:2", oldShape);
		rawSet(PREFIX + ":book:3", oldShape);
		assertThatExceptionOfType(CacheSerializationException.class).as("a direct get has no loader: it keeps throwing")
			.isThrownBy(() -> this.cache.withPrefix("books").get("1", Book.class));
		double before = count("cache.unreadable", "books", "entry");
		for (int i = 0; i < 3; i++) {
			assertThat(this.service.find(1)).isEqualTo(new Book(1, "title-1"));
			assertThat(this.service.findSync(2)).isEqualTo(new Book(2, "title-2"));
			assertThat(this.service.remembered(3)).isEqualTo(new Book(3, "title-3"));
		}
		assertThat(this.service.calls()).as("one load each").hasValue(3);
		assertThat(raw(PREFIX + ":books:1")).isEqualTo("{\"id\":1,\"title\":\"title-1\"}");
		assertThat(raw(PREFIX + ":books:2")).isEqualTo("{\"id\":2,\"title\":\"title-2\"}");
		assertThat(raw(PREFIX + ":book:3")).isEqualTo("{\"id\":3,\"title\":\"title-3\"}");
		assertThat(count("cache.unreadable", "books", "entry")).isEqualTo(before + 2);
		assertThat(count("cache.unreadable", PREFIX, "entry")).isOne();
	}

	@Test
	void typeThatCannotBeReadBack_isFoundAtStartup_andTheMethodsRunWithoutTheCache(CapturedOutput output) {
		assertThat(output).contains("Method " + Service.class.getName() + ".shape(long) runs without the cache")
			.contains(Shape.class.getName())
			.contains("Method " + Service.class.getName() + ".rememberedShape(long) runs without the cache");
		double before = count("cache.unreadable", "shapes", "value");
		assertThat(this.service.shape(1)).isEqualTo(new Circle(1));
		assertThat(this.service.shape(1)).isEqualTo(new Circle(1));
		assertThat(this.service.rememberedShape(1)).isEqualTo(new Circle(1));
		assertThat(this.service.rememberedShape(1)).isEqualTo(new Circle(1));
		assertThat(this.service.calls()).as("every call runs the method").hasValue(4);
		assertThat(this.cache.keys("*")).as("nothing unreadable is stored").isEmpty();
		assertThat(count("cache.unreadable", "shapes", "value")).isEqualTo(before + 2);
		assertThat(count("cache.unreadable", PREFIX, "value")).isEqualTo(2);
		assertThat(output.toString().split("shape\\(long\\) runs without the cache", -1)).as("logged once").hasSize(2);
	}

	@Test
	void valueThatCannotBeReadBackAsItsDeclaredType_isNotStored_onItsFirstWrite(CapturedOutput output) {
		assertThat(this.service.animal(1)).isInstanceOf(Dog.class);
		assertThat(this.service.animal(1)).isInstanceOf(Dog.class);
		assertThat(this.service.calls()).hasValue(2);
		assertThat(output).contains(
				"A " + Dog.class.getName() + " returned by " + Service.class.getName() + ".animal(long) is not stored");
		assertThat(this.service.plainAnimal(2)).isEqualTo(new Animal(2));
		assertThat(this.service.plainAnimal(2)).isEqualTo(new Animal(2));
		assertThat(this.service.calls()).as("an Animal itself is stored").hasValue(3);
		this.cache.withPrefix("animals").set("5", new Animal(5));
		this.service.renameAnimal(5);
		assertThat(this.cache.exists("animals:5")).as("@CachePut: neither stored nor an older entry left").isZero();
		assertThat(count("cache.unreadable", "animals", "value")).isEqualTo(3);
	}

	private double count(String name, String cacheName, String kind) {
		var counter = this.meters.find(name).tag("cache", cacheName).tag("kind", kind).counter();
		return (counter != null) ? counter.count() : 0;
	}

	private static void rawSet(String key, String value) {
		try (RedisConnection connection = RedisServerExtension.connectionFactory().getConnection()) {
			connection.stringCommands()
				.set(key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8));
		}
	}

	private static String raw(String key) {
		byte[] bytes = TestRedis.raw(key);
		return (bytes != null) ? new String(bytes, StandardCharsets.UTF_8) : null;
	}

	record Book(long id, String title) {
	}

	/** An interface without type information: JSON cannot say which class to create. */
	interface Shape {

	}

	record Circle(long radius) implements Shape {
	}

	public static class Animal {

		private long id;

		public Animal() {
		}

		Animal(long id) {
			this.id = id;
		}

		public long getId() {
			return this.id;
		}

		public void setId(long id) {
			this.id = id;
		}

		@Override
		public boolean equals(Object other) {
			return other != null && other.getClass() == getClass() && ((Animal) other).id == this.id;
		}

		@Override
		public int hashCode() {
			return Long.hashCode(this.id);
		}

	}

	public static class Dog extends Animal {

		private boolean goodBoy = true;

		public Dog() {
		}

		Dog(long id) {
			super(id);
		}

		public boolean isGoodBoy() {
			return this.goodBoy;
		}

		public void setGoodBoy(boolean goodBoy) {
			this.goodBoy = goodBoy;
		}

	}

	static class Service {

		final AtomicInteger calls = new AtomicInteger();

		public AtomicInteger calls() {
			return this.calls;
		}

		@Cacheable("books")
		public Book find(long id) {
			this.calls.incrementAndGet();
			return new Book(id, "title-" + id);
		}

		@Cacheable(cacheNames = "books", sync = true)
		public Book findSync(long id) {
			this.calls.incrementAndGet();
			return new Book(id, "title-" + id);
		}

		@Remember(key = "'book:' + #id")
		public Book remembered(long id) {
			this.calls.incrementAndGet();
			return new Book(id, "title-" + id);
		}

		@Cacheable("shapes")
		public Shape shape(long id) {
			this.calls.incrementAndGet();
			return new Circle(id);
		}

		@Remember(key = "'shape:' + #id")
		public Shape rememberedShape(long id) {
			this.calls.incrementAndGet();
			return new Circle(id);
		}

		@Cacheable("animals")
		public Animal animal(long id) {
			this.calls.incrementAndGet();
			return new Dog(id);
		}

		@Cacheable("animals")
		public Animal plainAnimal(long id) {
			this.calls.incrementAndGet();
			return new Animal(id);
		}

		@CachePut(cacheNames = "animals", key = "#id")
		public Animal renameAnimal(long id) {
			return new Dog(id);
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@EnableCaching
	@Import(Service.class)
	static class TestApplication {

		@Bean
		DataRedisConnectionDetails redisConnectionDetails() {
			return TestRedis.connectionDetails();
		}

		@Bean
		MeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

	}

}
