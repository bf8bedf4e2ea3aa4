package io.github.saasframework.cache.autoconfigure;

import io.github.saasframework.cache.interceptor.CacheAnnotationAdvisors;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.saasframework.cache.Cache;
import io.github.saasframework.cache.HeldLocks;
import io.github.saasframework.cache.annotation.Forget;
import io.github.saasframework.cache.annotation.Remember;
import io.github.saasframework.cache.annotation.WithLock;
import io.github.saasframework.cache.lock.DistributedLock;
import io.github.saasframework.cache.lock.LockNotAcquiredException;
import io.github.saasframework.cache.testsupport.RedisServerExtension;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.aop.framework.Advised;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Lazy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * {@code @Remember}, {@code @WithLock} and {@code @Forget} in a whole Spring Boot
 * application on the shared test {@code redis-server}.
 */
@ExtendWith(RedisServerExtension.class)
@SpringBootTest(classes = CacheAnnotationsIntegrationTests.TestApplication.class, properties = {
		"app.cache.key-prefix=" + CacheAnnotationsIntegrationTests.PREFIX, "app.cache.lock.default-ttl=45s" })
class CacheAnnotationsIntegrationTests {

	static final String PREFIX = "annotations-it";

	@Autowired
	private Cache cache;

	@Autowired
	private UserService users;

	@Autowired
	private UserWriter writer;

	@Autowired
	private JobService jobs;

	@Autowired
	private ReportService reports;

	@Autowired
	private GreetingService greetings;

	@AfterEach
	void cleanUp() {
		this.cache.flushPrefix();
		this.users.calls().set(0);
		this.reports.calls().set(0);
	}

	// ---------------------------------------------------------------- @Remember

	@Test
	void rememberRunsMethodOnlyOnMiss() {
		User first = this.users.find(1);
		User second = this.users.find(1);
		assertThat(first).isEqualTo(new User(1, "user-1"));
		assertThat(second).isEqualTo(first);
		assertThat(this.users.calls()).hasValue(1);
		assertThat(this.cache.get("user:1", User.class)).contains(first);
	}

	@Test
	void rememberUsesDefaultTtlWhenNoneIsGiven() {
		this.users.find(2);
		assertThat(this.cache.getTtl("user:2"))
			.hasValueSatisfying((ttl) -> assertThat(ttl).isLessThanOrEqualTo(Duration.ofHours(1))
				.isGreaterThan(Duration.ofMinutes(59)));
	}

	@Test
	void rememberUsesTheAnnotationsTtl() {
		this.users.list("admins");
		assertThat(this.cache.getTtl("users:admins"))
			.hasValueSatisfying((ttl) -> assertThat(ttl).isLessThanOrEqualTo(Duration.ofMinutes(5))
				.isGreaterThan(Duration.ofMinutes(4)));
	}

	@Test
	void rememberWithRefreshAfterReloadsStaleEntryInBackground() {
		User first = this.users.refreshed(5);
		assertThat(first.name()).isEqualTo("user-5-1");
		assertThat(this.users.refreshed(5)).isEqualTo(first);
		assertThat(this.users.calls()).hasValue(1);
		// 20 s of 60 s left: the entry looks 40 s old
		assertThat(this.cache.expire("fresh:5", Duration.ofSeconds(20))).isTrue();
		assertThat(this.users.refreshed(5)).isEqualTo(first);
		Awaitility.await()
			.atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(this.cache.get("fresh:5", User.class)).contains(new User(5, "user-5-2")));
		assertThat(this.cache.getTtl("fresh:5"))
			.hasValueSatisfying((ttl) -> assertThat(ttl).isGreaterThan(Duration.ofSeconds(50)));
		assertThat(this.users.refreshed(5)).isEqualTo(new User(5, "user-5-2"));
		assertThat(this.users.calls()).hasValue(2);
	}

	@Test
	void rememberForeverStoresWithoutExpiry() {
		this.users.orders("ada");
		assertThat(this.cache.getTtl("orders:ada")).contains(Cache.NO_EXPIRY);
	}

	@Test
	void rememberKeepsGenericListType() {
		this.users.list("staff");
		List<User> cached = this.users.list("staff");
		assertThat(this.users.calls()).hasValue(1);
		assertThat(cached).hasSize(2).allSatisfy((user) -> assertThat(user).isInstanceOf(User.class));
		assertThat(cached.get(1)).isEqualTo(new User(2, "staff-2"));
	}

	@Test
	void rememberKeepsGenericMapType() {
		this.users.orders("ada");
		Map<String, Order> cached = this.users.orders("ada");
		assertThat(this.users.calls()).hasValue(1);
		assertThat(cached).containsEntry("o-1", new Order("o-1", 42)).hasSize(2);
		assertThat(cached.values()).allSatisfy((order) -> assertThat(order).isInstanceOf(Order.class));
	}

	@Test
	void rememberUnwrapsOptional() {
		assertThat(this.users.maybe(3)).contains(new User(3, "user-3"));
		assertThat(this.cache.get("maybe:3", User.class)).contains(new User(3, "user-3"));
		assertThat(this.users.maybe(3)).contains(new User(3, "user-3"));
		assertThat(this.users.calls()).hasValue(1);
	}

	@Test
	void rememberDoesNotStoreEmptyOptional() {
		assertThat(this.users.maybe(-1)).isEmpty();
		assertThat(this.users.maybe(-1)).isEmpty();
		assertThat(this.users.calls()).hasValue(2);
		assertThat(this.cache.exists("maybe:-1")).isZero();
	}

	@Test
	void rememberDoesNotStoreNull() {
		assertThat(this.users.nothing(1)).isNull();
		assertThat(this.users.nothing(1)).isNull();
		assertThat(this.users.calls()).hasValue(2);
		assertThat(this.cache.exists("nothing:1")).isZero();
	}

	@Test
	void rememberBypassesCacheWhenConditionIsFalse() {
		this.users.conditional(-5);
		this.users.conditional(-5);
		assertThat(this.users.calls()).hasValue(2);
		assertThat(this.cache.exists("cond:-5")).isZero();
		this.users.conditional(5);
		this.users.conditional(5);
		assertThat(this.users.calls()).hasValue(3);
		assertThat(this.cache.exists("cond:5")).isOne();
	}

	@Test
	void rememberDoesNotStoreWhenUnlessIsTrue() {
		assertThat(this.users.unless(7, "temp-7")).isEqualTo(new User(7, "temp-7"));
		assertThat(this.users.unless(7, "temp-7")).isEqualTo(new User(7, "temp-7"));
		assertThat(this.users.calls()).hasValue(2);
		assertThat(this.cache.exists("unless:7")).isZero();
	}

	@Test
	void rememberStoresWhenUnlessIsFalseAndCallsMethodOncePerMiss() {
		assertThat(this.users.unless(8, "real")).isEqualTo(new User(8, "real"));
		assertThat(this.users.calls()).hasValue(1);
		assertThat(this.users.unless(8, "ignored")).isEqualTo(new User(8, "real"));
		assertThat(this.users.calls()).hasValue(1);
		assertThat(this.cache.getTtl("unless:8"))
			.hasValueSatisfying((ttl) -> assertThat(ttl).isLessThanOrEqualTo(Duration.ofMinutes(2))
				.isGreaterThan(Duration.ofMinutes(1)));
	}

	@Test
	void rememberWithUnlessSharesOneLoadBetweenConcurrentCallers() throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(8);
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<User>> results = new ArrayList<>();
			for (int i = 0; i < 8; i++) {
				results.add(pool.submit(() -> {
					start.await();
					return this.users.slowUnless(9);
				}));
			}
			start.countDown();
			for (Future<User> result : results) {
				assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo(new User(9, "slow-9"));
			}
		}
		finally {
			pool.shutdownNow();
		}
		// before: each caller read, missed and ran the method itself
		assertThat(this.users.calls()).hasValue(1);
		assertThat(this.cache.exists("slow-unless:9")).isOne();
	}

	@Test
	void rememberKeySeesRootObjectAndPositionalArguments() {
		assertThat(this.users.root("x", 9)).isEqualTo("x9");
		assertThat(this.cache.exists("UserService:root:x:9")).isOne();
	}

	@Test
	void rememberKeySeesRootMethodAndTarget() {
		assertThat(this.users.rootMethodAndTarget()).isEqualTo("value");
		assertThat(this.cache.exists("rootMethodAndTarget:UserService:0")).isOne();
	}

	@Test
	void rememberKeepsPrimitiveReturnType() {
		assertThat(this.users.count(4)).isEqualTo(40);
		assertThat(this.users.count(4)).isEqualTo(40);
		assertThat(this.users.calls()).hasValue(1);
	}

	@Test
	void rememberWithNullKeyNamesMethodExpressionAndParametersFlag() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.users.nullKey("a"))
			.withMessageContaining("UserService.nullKey(String)")
			.withMessageContaining("#missing")
			.withMessageContaining("-parameters");
		assertThat(this.users.calls()).hasValue(0);
	}

	@Test
	void rememberWithBlankKeyIsIllegalArgument() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.users.blankKey(" "))
			.withMessageContaining("blankKey")
			.withMessageContaining("#value");
	}

	@Test
	void rememberRethrowsCheckedExceptionUnchanged() {
		IOException thrown = new IOException("disk");
		assertThatExceptionOfType(IOException.class).isThrownBy(() -> this.users.checked(1, thrown)).isSameAs(thrown);
		assertThat(this.cache.exists("checked:1")).isZero();
	}

	@Test
	void rememberRethrowsUncheckedExceptionUnchanged() {
		IllegalStateException thrown = new IllegalStateException("boom");
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> this.users.unchecked(1, thrown))
			.isSameAs(thrown);
		assertThat(this.cache.exists("unchecked:1")).isZero();
	}

	@Test
	void rememberWithUnlessRethrowsCheckedExceptionUnchanged() {
		IOException thrown = new IOException("disk");
		assertThatExceptionOfType(IOException.class).isThrownBy(() -> this.users.checkedUnless(1, thrown))
			.isSameAs(thrown);
	}

	@Test
	void rememberOnInterfaceMethodApplies() {
		assertThat(this.greetings.greet("ada")).isEqualTo("hello ada #1");
		assertThat(this.greetings.greet("ada")).isEqualTo("hello ada #1");
		assertThat(this.cache.get("greeting:ada", String.class)).contains("hello ada #1");
	}

	// ---------------------------------------------------------------- @Forget

	@Test
	void forgetEvictsAfterNormalReturn() {
		this.users.find(11);
		this.cache.set("users:all", "list");
		this.writer.update(11);
		assertThat(this.cache.exists("user:11", "users:all")).isZero();
		this.users.find(11);
		assertThat(this.users.calls()).hasValue(2);
	}

	@Test
	void forgetKeysSeeResult() {
		this.users.find(12);
		User created = this.writer.create(12);
		assertThat(created.id()).isEqualTo(12);
		assertThat(this.cache.exists("user:12")).isZero();
	}

	@Test
	void forgetKeepsKeysWhenMethodThrowsAndRethrowsUnchanged() {
		this.users.find(13);
		IOException thrown = new IOException("write failed");
		assertThatExceptionOfType(IOException.class).isThrownBy(() -> this.writer.failingUpdate(13, thrown))
			.isSameAs(thrown);
		assertThat(this.cache.exists("user:13")).isOne();
	}

	// ---------------------------------------------------------------- @WithLock

	@Test
	void withLockSerialisesConcurrentCalls() throws Exception {
		ExecutorService executor = Executors.newFixedThreadPool(4);
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<?>> futures = new ArrayList<>();
			for (int i = 0; i < 4; i++) {
				futures.add(executor.submit(() -> {
					start.await();
					this.jobs.run(1);
					return null;
				}));
			}
			start.countDown();
			for (Future<?> future : futures) {
				future.get(30, TimeUnit.SECONDS);
			}
		}
		finally {
			executor.shutdownNow();
		}
		assertThat(this.jobs.calls()).hasValue(4);
		assertThat(this.jobs.maxConcurrency()).hasValue(1);
	}

	/**
	 * A {@code @WithLock} method that calls another on the same name (through the proxy)
	 * runs it at once, though the inner one has no wait; both read the same fencing
	 * token.
	 */
	@Test
	void withLockIsReentrant_andTheMethodReadsItsFencingToken() {
		long[] tokens = this.jobs.outer(1);
		assertThat(tokens[0]).isPositive().isEqualTo(tokens[1]);
		assertThat(this.cache.exists("lock:nested:1")).isZero();
		assertThat(this.jobs.outer(1)[0]).as("the next hold has a greater token").isGreaterThan(tokens[0]);
	}

	@Test
	void withLockThrowsLockNotAcquiredWhenWaitRunsOut() {
		try (DistributedLock held = this.cache.lock("lock:quick:1", Duration.ofSeconds(30))) {
			held.acquire(Duration.ZERO);
			assertThatExceptionOfType(LockNotAcquiredException.class).isThrownBy(() -> this.jobs.quick(1))
				.withMessageContaining("lock:quick:1");
			assertThat(this.jobs.quickCalls()).hasValue(0);
		}
		this.jobs.quick(1);
		assertThat(this.jobs.quickCalls()).hasValue(1);
	}

	@Test
	void withLockUsesTheAnnotationsTtl() {
		Duration lease = this.jobs.lease(1);
		assertThat(lease).isLessThanOrEqualTo(Duration.ofSeconds(20)).isGreaterThan(Duration.ofSeconds(15));
		assertThat(this.cache.exists("lock:lease:1")).isZero();
	}

	@Test
	void withLockUsesTheDefaultTtlProperty() {
		Duration lease = this.jobs.defaultLease();
		assertThat(lease).isLessThanOrEqualTo(Duration.ofSeconds(45)).isGreaterThan(Duration.ofSeconds(40));
	}

	@Test
	void withLockRethrowsCheckedExceptionUnchangedAndReleases() {
		IOException thrown = new IOException("job failed");
		assertThatExceptionOfType(IOException.class).isThrownBy(() -> this.jobs.fail(thrown)).isSameAs(thrown);
		try (DistributedLock lock = this.cache.lock("lock:fail", Duration.ofSeconds(5))) {
			assertThat(lock.tryAcquire()).isTrue();
		}
	}

	// ---------------------------------------------------------------- order

	@Test
	void rememberHitNeverTakesTheLock() {
		assertThat(this.reports.report(1)).isEqualTo("report 1");
		try (DistributedLock held = this.cache.lock("lock:report:1", Duration.ofSeconds(30))) {
			held.acquire(Duration.ZERO);
			assertThat(this.reports.report(1)).isEqualTo("report 1");
		}
		assertThat(this.reports.calls()).hasValue(1);
	}

	@Test
	void rememberMissRunsTheMethodUnderTheLock() {
		try (DistributedLock held = this.cache.lock("lock:report:2", Duration.ofSeconds(30))) {
			held.acquire(Duration.ZERO);
			assertThatExceptionOfType(LockNotAcquiredException.class).isThrownBy(() -> this.reports.report(2));
		}
		assertThat(this.reports.calls()).hasValue(0);
		assertThat(this.cache.exists("report:2")).isZero();
	}

	@Test
	void advisorsAreOrderedRememberThenWithLockThenForget() {
		assertThat(AopUtils.isAopProxy(this.reports)).isTrue();
		List<String> chain = Arrays.stream(((Advised) this.reports).getAdvisors())
			.map((advisor) -> advisor.getAdvice())
			.filter((advice) -> advice.getClass()
				.getPackageName()
				.equals(CacheAnnotationAdvisors.class.getPackageName()))
			.map((advice) -> advice.getClass().getSimpleName())
			.toList();
		assertThat(chain).containsExactly("RememberInterceptor", "WithLockInterceptor", "ForgetInterceptor");
		assertThat(CacheAnnotationAdvisors.REMEMBER_ORDER).isLessThan(CacheAnnotationAdvisors.WITH_LOCK_ORDER);
		assertThat(CacheAnnotationAdvisors.WITH_LOCK_ORDER).isLessThan(CacheAnnotationAdvisors.FORGET_ORDER);
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import({ UserService.class, UserWriter.class, JobService.class, ReportService.class,
			DefaultGreetingService.class })
	static class TestApplication {

		@Bean
		DataRedisConnectionDetails redisConnectionDetails() {
			return TestRedis.connectionDetails();
		}

	}

	record User(long id, String name) {
	}

	record Order(String id, int amount) {
	}

	static class UserService {

		final AtomicInteger calls = new AtomicInteger();

		// fields of a CGLIB proxy are its own; tests read the target's through methods
		AtomicInteger calls() {
			return this.calls;
		}

		@Remember(key = "'user:' + #id")
		User find(long id) {
			this.calls.incrementAndGet();
			return new User(id, "user-" + id);
		}

		@Remember(key = "'users:' + #p0", ttl = "5m")
		List<User> list(String group) {
			this.calls.incrementAndGet();
			return new ArrayList<>(List.of(new User(1, group + "-1"), new User(2, group + "-2")));
		}

		@Remember(key = "'orders:' + #a0", forever = true)
		Map<String, Order> orders(String customer) {
			this.calls.incrementAndGet();
			Map<String, Order> orders = new LinkedHashMap<>();
			orders.put("o-1", new Order("o-1", 42));
			orders.put("o-2", new Order("o-2", 7));
			return orders;
		}

		@Remember(key = "'fresh:' + #id", ttl = "1m", refreshAfter = "30s")
		User refreshed(long id) {
			this.calls.incrementAndGet();
			return new User(id, "user-" + id + "-" + this.calls.get());
		}

		@Remember(key = "'maybe:' + #id")
		Optional<User> maybe(long id) {
			this.calls.incrementAndGet();
			return (id > 0) ? Optional.of(new User(id, "user-" + id)) : Optional.empty();
		}

		@Remember(key = "'nothing:' + #id")
		User nothing(long id) {
			this.calls.incrementAndGet();
			return null;
		}

		@Remember(key = "'cond:' + #id", condition = "#id > 0")
		User conditional(long id) {
			this.calls.incrementAndGet();
			return new User(id, "user-" + id);
		}

		@Remember(key = "'unless:' + #id", ttl = "PT2M", unless = "#result.name().startsWith('temp')")
		User unless(long id, String name) {
			this.calls.incrementAndGet();
			return new User(id, name);
		}

		@Remember(key = "'slow-unless:' + #id", unless = "#result.name().startsWith('temp')")
		User slowUnless(long id) throws InterruptedException {
			this.calls.incrementAndGet();
			Thread.sleep(300);
			return new User(id, "slow-" + id);
		}

		@Remember(key = "#root.targetClass.simpleName + ':' + #root.methodName + ':' + #p0 + ':' + #root.args[1]")
		String root(String prefix, int number) {
			return prefix + number;
		}

		@Remember(key = "#root.method.name + ':' + target.class.simpleName + ':' + args.length")
		String rootMethodAndTarget() {
			return "value";
		}

		@Remember(key = "'count:' + #id")
		int count(int id) {
			this.calls.incrementAndGet();
			return id * 10;
		}

		@Remember(key = "#missing")
		String nullKey(String value) {
			this.calls.incrementAndGet();
			return value;
		}

		@Remember(key = "#value")
		String blankKey(String value) {
			return value;
		}

		@Remember(key = "'checked:' + #id")
		User checked(long id, IOException failure) throws IOException {
			throw failure;
		}

		@Remember(key = "'unchecked:' + #id")
		User unchecked(long id, RuntimeException failure) {
			throw failure;
		}

		@Remember(key = "'checked-unless:' + #id", unless = "#result == null")
		User checkedUnless(long id, IOException failure) throws IOException {
			throw failure;
		}

	}

	static class UserWriter {

		@Forget(keys = { "'user:' + #id", "'users:all'" })
		void update(long id) {
		}

		@Forget(keys = "'user:' + #result.id()")
		User create(long id) {
			return new User(id, "new");
		}

		@Forget(keys = "'user:' + #id")
		void failingUpdate(long id, IOException failure) throws IOException {
			throw failure;
		}

	}

	static class JobService {

		final AtomicInteger calls = new AtomicInteger();

		final AtomicInteger running = new AtomicInteger();

		final AtomicInteger maxConcurrency = new AtomicInteger();

		final AtomicInteger quickCalls = new AtomicInteger();

		@Autowired
		private Cache cache;

		AtomicInteger calls() {
			return this.calls;
		}

		AtomicInteger maxConcurrency() {
			return this.maxConcurrency;
		}

		AtomicInteger quickCalls() {
			return this.quickCalls;
		}

		@WithLock(key = "'lock:job:' + #id", waitTime = "20s")
		void run(int id) throws InterruptedException {
			int now = this.running.incrementAndGet();
			this.maxConcurrency.accumulateAndGet(now, Math::max);
			// long enough for the other callers to pile up if the lock let them in
			Thread.sleep(50);
			this.calls.incrementAndGet();
			this.running.decrementAndGet();
		}

		@Autowired
		@Lazy
		private JobService self;

		@WithLock(key = "'lock:nested:' + #id", waitTime = "0s")
		long[] outer(int id) {
			return new long[] { HeldLocks.fencingToken("lock:nested:" + id), this.self.inner(id) };
		}

		@WithLock(key = "'lock:nested:' + #id", waitTime = "0s")
		long inner(int id) {
			return HeldLocks.fencingToken("lock:nested:" + id);
		}

		@WithLock(key = "'lock:quick:' + #id", waitTime = "100ms")
		void quick(int id) {
			this.quickCalls.incrementAndGet();
		}

		@WithLock(key = "'lock:lease:' + #id", ttl = "20s")
		Duration lease(int id) {
			return this.cache.getTtl("lock:lease:" + id).orElseThrow();
		}

		@WithLock(key = "'lock:default-lease'")
		Duration defaultLease() {
			return this.cache.getTtl("lock:default-lease").orElseThrow();
		}

		@WithLock(key = "'lock:fail'")
		void fail(IOException failure) throws IOException {
			throw failure;
		}

	}

	static class ReportService {

		final AtomicInteger calls = new AtomicInteger();

		AtomicInteger calls() {
			return this.calls;
		}

		@Remember(key = "'report:' + #id")
		@WithLock(key = "'lock:report:' + #id", waitTime = "0s")
		String report(int id) {
			this.calls.incrementAndGet();
			return "report " + id;
		}

		@Forget(keys = "'report:' + #id")
		void invalidate(int id) {
		}

	}

	interface GreetingService {

		@Remember(key = "'greeting:' + #name")
		String greet(String name);

	}

	static class DefaultGreetingService implements GreetingService {

		private final AtomicInteger calls = new AtomicInteger();

		@Override
		public String greet(String name) {
			return "hello " + name + " #" + this.calls.incrementAndGet();
		}

	}

}
