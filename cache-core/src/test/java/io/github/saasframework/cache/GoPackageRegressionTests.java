package io.github.saasframework.cache;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.github.saasframework.cache.lock.DistributedLock;
import io.github.saasframework.cache.testsupport.RedisServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.data.redis.core.RedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Regression tests for the places where the Go package this library ports is wrong; each
 * test names what broke there and shows that it holds here.
 */
@ExtendWith(RedisServerExtension.class)
class GoPackageRegressionTests {

	private final RedisTemplate<String, byte[]> raw = CacheTestSupport.rawTemplate();

	private RedisCache cache;

	@BeforeEach
	void setUp() {
		this.cache = CacheTestSupport.cache(CacheTestSupport.uniquePrefix("go"));
	}

	@AfterEach
	void tearDown() {
		CacheTestSupport.clean(this.cache);
	}

	/**
	 * Go's {@code Lock.Extend} sends {@code EXPIRE key int(ttl.Seconds())}: an extension
	 * by 500 ms becomes {@code EXPIRE key 0}, which deletes the lock while its owner
	 * still works. Here extend uses {@code PEXPIRE}.
	 */
	@Test
	void extendBySubSecondDuration_keepsLock() {
		DistributedLock lock = this.cache.lock("lock:task", Duration.ofSeconds(10));
		lock.tryAcquire();
		lock.extend(Duration.ofMillis(500));
		assertThat(lock.isHeld()).isTrue();
		assertThat(CacheTestSupport.pttl(this.raw, this.cache.prefix() + ":lock:task")).isBetween(1L, 500L);
		lock.release();
	}

	/**
	 * Go's {@code MGet} returns {@code map[string]interface{}} of raw strings: JSON
	 * objects come back as their JSON text, so callers must unmarshal by hand. Here
	 * {@code getAll} returns typed values.
	 */
	@Test
	void getAll_returnsTypedValuesNotRawJson() {
		this.cache.set("user:1", Person.of(1));
		this.cache.set("user:2", Person.of(2));
		Map<String, Person> users = this.cache.getAll(List.of("user:1", "user:2"), Person.class);
		assertThat(users.values()).allSatisfy((user) -> assertThat(user).isInstanceOf(Person.class));
		assertThat(users).containsEntry("user:1", Person.of(1));
	}

	/**
	 * Go's {@code Remember} returns the computed value on a miss but the raw cached
	 * string on a hit, so {@code result.(*User)} panics on the second call. Here both are
	 * the same type.
	 */
	@Test
	void remember_hitAndMissReturnTheSameType() {
		Person miss = this.cache.remember("user:1", Duration.ZERO, Person.class, () -> Person.of(1));
		Person hit = this.cache.remember("user:1", Duration.ZERO, Person.class, () -> Person.of(99));
		assertThat(hit).isInstanceOf(Person.class).isEqualTo(miss);
	}

	/**
	 * Go's {@code DeleteByPattern} builds {@code prefix + ":" + pattern} without
	 * escaping: a prefix {@code t[1]} is the glob "t1", so tenant {@code t[1]}'s flush
	 * deletes tenant {@code t1}'s keys, and a prefix {@code a*} deletes every namespace
	 * starting with "a".
	 */
	@Test
	void deleteByPattern_prefixWithGlobCharacters_neverTouchesOtherNamespaces() {
		Cache base = this.cache;
		Cache bracket = base.withPrefix("t[1]");
		Cache plain = base.withPrefix("t1");
		Cache star = base.withPrefix("a*");
		Cache other = base.withPrefix("ab");
		Cache question = base.withPrefix("q?");
		Cache q1 = base.withPrefix("q1");
		Cache backslash = base.withPrefix("b\\");
		for (Cache c : List.of(bracket, plain, star, other, question, q1, backslash)) {
			c.set("k", "v");
		}
		assertThat(bracket.flushPrefix()).isEqualTo(1);
		assertThat(star.deleteByPattern("*")).isEqualTo(1);
		assertThat(question.flushPrefix()).isEqualTo(1);
		assertThat(backslash.flushPrefix()).isEqualTo(1);
		assertThat(plain.get("k", String.class)).contains("v");
		assertThat(other.get("k", String.class)).contains("v");
		assertThat(q1.get("k", String.class)).contains("v");
		assertThat(bracket.keys("*")).isEmpty();
	}

	/**
	 * Go's {@code FlushPrefix} with an empty prefix scans {@code ":*"} (or, in variants,
	 * "*") and can empty a shared database. Here it refuses.
	 */
	@Test
	void flushPrefix_withoutPrefix_refusesAndDeletesNothing() {
		RedisCache noPrefix = RedisCache.create(RedisServerExtension.connectionFactory(),
				CacheConfig.builder().build());
		this.cache.set("survivor", "v");
		assertThatIllegalStateException().isThrownBy(noPrefix::flushPrefix);
		assertThat(this.cache.get("survivor", String.class)).contains("v");
	}

	/**
	 * Go's rate-limit example runs {@code INCR} and then, if the count is 1, a separate
	 * {@code EXPIRE}: a client that stops between the two leaves a counter without TTL,
	 * and that user stays limited forever. This test plays that crash (INCR without the
	 * EXPIRE) and shows the atomic alternative: {@code incrementBy(key, 1, window)}
	 * always leaves a TTL and even repairs such a counter.
	 */
	@Test
	void rateLimitWindow_incrementWithTtlIsAtomic() {
		// the Go way, interrupted after INCR: the key lives forever
		this.cache.increment("ratelimit:crashed");
		assertThat(this.cache.getTtl("ratelimit:crashed")).contains(Cache.NO_EXPIRY);

		// the atomic way: the TTL is set in the same script as the increment
		assertThat(this.cache.incrementBy("ratelimit:user-1", 1, Duration.ofMinutes(1))).isEqualTo(1);
		assertThat(this.cache.getTtl("ratelimit:user-1"))
			.hasValueSatisfying((ttl) -> assertThat(ttl).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(1)));

		// and it repairs the crashed counter instead of leaving it forever
		assertThat(this.cache.incrementBy("ratelimit:crashed", 1, Duration.ofMinutes(1))).isEqualTo(2);
		assertThat(this.cache.getTtl("ratelimit:crashed"))
			.hasValueSatisfying((ttl) -> assertThat(ttl).isLessThanOrEqualTo(Duration.ofMinutes(1)));
	}

	/**
	 * The wire format is shared with the Go package: a value written by another service
	 * (raw JSON under {@code prefix:key}, strings without quotes) reads back, and ours
	 * reads there.
	 */
	@Test
	void wireFormat_isSharedWithOtherServices() {
		String redisKey = this.cache.prefix() + ":user:1";
		this.raw.opsForValue()
			.set(redisKey,
					"{\"name\":\"John\",\"email\":\"j@x.io\",\"age\":41,\"tags\":[]}".getBytes(StandardCharsets.UTF_8));
		assertThat(this.cache.get("user:1", Person.class)).contains(new Person("John", "j@x.io", 41, List.of()));
		this.cache.set("greeting", "hello");
		assertThat(new String(this.raw.opsForValue().get(this.cache.prefix() + ":greeting"), StandardCharsets.UTF_8))
			.isEqualTo("hello");
		this.cache.set("user:2", Person.of(2));
		assertThat(new String(this.raw.opsForValue().get(this.cache.prefix() + ":user:2"), StandardCharsets.UTF_8))
			.startsWith("{\"")
			.doesNotContain("@class")
			.contains("\"name\":\"person-2\"");
	}

	record Member(long id, String name, int age, boolean active, double score) {
	}

	/**
	 * Go's {@code encoding/json} leaves {@code omitempty} fields with zero values out of
	 * the object. Those bytes, written by a Go service under a shared key, read here as
	 * the zero values Go meant, through get, getAll and a remember hit.
	 */
	@Test
	void goOmitemptyValues_readAsZeroValues() {
		byte[] goBytes = "{\"id\":42,\"name\":\"Ada\",\"score\":99.5}".getBytes(StandardCharsets.UTF_8);
		this.raw.opsForValue().set(this.cache.prefix() + ":member:42", goBytes);
		Member expected = new Member(42, "Ada", 0, false, 99.5);
		assertThat(this.cache.get("member:42", Member.class)).contains(expected);
		assertThat(this.cache.getAll(List.of("member:42"), Member.class)).containsEntry("member:42", expected);
		assertThat(this.cache.remember("member:42", Duration.ofMinutes(1), Member.class, () -> {
			throw new AssertionError("a hit must not load");
		})).isEqualTo(expected);
	}

}
