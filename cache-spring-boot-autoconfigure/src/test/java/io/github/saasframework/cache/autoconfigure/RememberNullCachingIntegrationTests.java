package io.github.saasframework.cache.autoconfigure;

import java.time.Duration;

import io.github.saasframework.cache.Cache;
import io.github.saasframework.cache.testsupport.RedisServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code app.cache.remember.cache-nulls}: a {@code @Remember} method that finds nothing
 * ({@code null} or an empty {@code Optional}) runs once per null TTL, and the marker
 * never reaches the caller.
 */
@ExtendWith(RedisServerExtension.class)
@SpringBootTest(classes = CacheAnnotationsIntegrationTests.TestApplication.class,
		properties = { "app.cache.key-prefix=" + RememberNullCachingIntegrationTests.PREFIX,
				"app.cache.remember.cache-nulls=true", "app.cache.remember.null-ttl=20s" })
class RememberNullCachingIntegrationTests {

	static final String PREFIX = "null-caching-it";

	@Autowired
	private Cache cache;

	@Autowired
	private CacheAnnotationsIntegrationTests.UserService users;

	@AfterEach
	void cleanUp() {
		this.cache.flushPrefix();
		this.users.calls().set(0);
	}

	@Test
	void emptyOptionalIsCachedAsNullAndComesBackEmpty() {
		assertThat(this.users.maybe(-1)).isEmpty();
		assertThat(this.users.maybe(-1)).isEmpty();
		assertThat(this.users.calls()).hasValue(1);
		assertThat(this.cache.get("maybe:-1", CacheAnnotationsIntegrationTests.User.class)).isEmpty();
		assertThat(this.cache.getTtl("maybe:-1"))
			.hasValueSatisfying((ttl) -> assertThat(ttl).isLessThanOrEqualTo(Duration.ofSeconds(20)));
	}

	@Test
	void nullResultIsCachedAndComesBackNull() {
		assertThat(this.users.nothing(5)).isNull();
		assertThat(this.users.nothing(5)).isNull();
		assertThat(this.users.calls()).hasValue(1);
	}

	@Test
	void realValuesAreUnaffected() {
		assertThat(this.users.maybe(4)).contains(new CacheAnnotationsIntegrationTests.User(4, "user-4"));
		assertThat(this.users.maybe(4)).contains(new CacheAnnotationsIntegrationTests.User(4, "user-4"));
		assertThat(this.users.calls()).hasValue(1);
	}

}
