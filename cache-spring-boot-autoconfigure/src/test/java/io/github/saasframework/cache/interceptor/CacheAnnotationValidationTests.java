package io.github.saasframework.cache.interceptor;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;

import io.github.saasframework.cache.autoconfigure.RedisCacheAutoConfiguration;
import io.github.saasframework.cache.autoconfigure.TestRedis;
import java.time.Duration;

import io.github.saasframework.cache.annotation.Forget;
import io.github.saasframework.cache.annotation.Remember;
import io.github.saasframework.cache.annotation.WithLock;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.aop.support.AopUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Invalid cache annotations stop the application context at startup with a message naming
 * the method, the attribute and the value. No Redis is involved: the annotations are
 * parsed when the auto-proxy creator first looks at a bean.
 */
class CacheAnnotationValidationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RedisCacheAutoConfiguration.class));

	@Test
	void validAnnotationsAreProxiedWithoutAspectJOrBootsAopAutoConfiguration() {
		assertThat(ClassUtils.isPresent("org.aspectj.weaver.Advice", getClass().getClassLoader()))
			.as("aspectjweaver on the test classpath")
			.isFalse();
		this.contextRunner.withBean(Valid.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(AopUtils.isAopProxy(context.getBean(Valid.class))).isTrue();
		});
	}

	@Test
	void unannotatedBeansAreNotProxied() {
		this.contextRunner.withBean(Plain.class)
			.run((context) -> assertThat(AopUtils.isAopProxy(context.getBean(Plain.class))).isFalse());
	}

	@Test
	void badTtlStopsStartup() {
		assertStartupFailure(BadTtl.class,
				"Invalid @Remember(ttl = \"5 minutes\") on " + BadTtl.class.getName() + ".find(long): not a duration");
	}

	@Test
	void foreverWithTtlStopsStartup() {
		assertStartupFailure(ForeverWithTtl.class, "Invalid @Remember(ttl = \"5m\") on "
				+ ForeverWithTtl.class.getName() + ".find(long): must be empty when forever = true");
	}

	@Test
	void unparsableKeyStopsStartup() {
		assertStartupFailure(BadKey.class,
				"Invalid @Remember(key = \"'user:' +\") on " + BadKey.class.getName() + ".find(long): not valid SpEL");
	}

	@Test
	void unparsableConditionStopsStartup() {
		assertStartupFailure(BadCondition.class, "Invalid @Remember(condition = \"#id >\") on "
				+ BadCondition.class.getName() + ".find(long): not valid SpEL");
	}

	@Test
	void unparsableUnlessStopsStartup() {
		assertStartupFailure(BadUnless.class, "Invalid @Remember(unless = \"#result ==\") on "
				+ BadUnless.class.getName() + ".find(long): not valid SpEL");
	}

	@Test
	void rememberOnVoidMethodStopsStartup() {
		assertStartupFailure(VoidRemember.class, "Invalid @Remember(key = \"'user:' + #id\") on "
				+ VoidRemember.class.getName() + ".run(long): a method returning void has nothing to remember");
	}

	@Test
	void badWaitTimeStopsStartup() {
		assertStartupFailure(BadWaitTime.class, "Invalid @WithLock(waitTime = \"soon\") on "
				+ BadWaitTime.class.getName() + ".run(long): not a duration");
	}

	@Test
	void zeroLeaseStopsStartup() {
		assertStartupFailure(ZeroLease.class,
				"Invalid @WithLock(ttl = \"0s\") on " + ZeroLease.class.getName() + ".run(long): must be positive");
	}

	@Test
	void negativeWaitTimeStopsStartup() {
		assertStartupFailure(NegativeWait.class, "Invalid @WithLock(waitTime = \"-1s\") on "
				+ NegativeWait.class.getName() + ".run(long): must not be negative");
	}

	@Test
	void unparsableForgetKeyStopsStartup() {
		assertStartupFailure(BadForgetKey.class, "Invalid @Forget(key = \"#id +\") on " + BadForgetKey.class.getName()
				+ ".update(long): not valid SpEL");
	}

	@Test
	void forgetWithoutKeysStopsStartup() {
		assertStartupFailure(NoForgetKeys.class, "Invalid @Forget(keys = \"{}\") on " + NoForgetKeys.class.getName()
				+ ".update(long): at least one key is needed");
	}

	@Test
	void durationAttributesResolvePlaceholders() {
		this.contextRunner.withPropertyValues("myapp.lease=45s").withBean(Placeholders.class).run((context) -> {
			assertThat(context).hasNotFailed();
			AnnotationOperationSource methods = context.getBean(AnnotationOperationSource.class);
			MethodOperations remember = methods.get(Placeholders.class.getDeclaredMethod("find", long.class),
					Placeholders.class);
			RememberOperation operation = remember.get(Remember.class);
			assertThat(operation.policy().ttl()).isEqualTo(Duration.ofMinutes(7));
			MethodOperations lock = methods.get(Placeholders.class.getDeclaredMethod("run", long.class),
					Placeholders.class);
			WithLockOperation withLock = lock.get(WithLock.class);
			assertThat(withLock.ttl()).isEqualTo(Duration.ofSeconds(45));
			assertThat(withLock.waitTime()).isEqualTo(Duration.ofMillis(250));
		});
	}

	@Test
	void unresolvablePlaceholderStopsStartupNamingIt() {
		assertStartupFailure(UnresolvedPlaceholder.class, "Invalid @Remember(ttl = \"${myapp.missing}\") on "
				+ UnresolvedPlaceholder.class.getName() + ".find(long): a placeholder cannot be resolved");
	}

	@Test
	void placeholderResolvingToNonsenseStopsStartupShowingBoth() {
		this.contextRunner.withPropertyValues("myapp.ttl=soon").withBean(PlaceholderNonsense.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure())
				.hasStackTraceContaining("Invalid @Remember(ttl = \"${myapp.ttl}\" = \"soon\") on "
						+ PlaceholderNonsense.class.getName() + ".find(long): not a duration");
		});
	}

	@Test
	void refreshAfterNotShorterThanTtlStopsStartup() {
		assertStartupFailure(RefreshAfterTtl.class, "Invalid @Remember(refreshAfter = \"5m\") on "
				+ RefreshAfterTtl.class.getName() + ".find(long): must be shorter than the TTL, 5m");
	}

	@Test
	void refreshAfterWithForeverStopsStartup() {
		assertStartupFailure(RefreshAfterForever.class, "Invalid @Remember(refreshAfter = \"30s\") on "
				+ RefreshAfterForever.class.getName() + ".find(long): cannot be combined with forever = true");
	}

	@Test
	void refreshAfterIsCheckedAgainstDefaultTtlWhenTtlIsEmpty() {
		this.contextRunner.withPropertyValues("app.cache.default-ttl=1m")
			.withBean(RefreshAfterDefaultTtl.class)
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).hasStackTraceContaining(
						"Invalid @Remember(refreshAfter = \"90s\") on " + RefreshAfterDefaultTtl.class.getName()
								+ ".find(long): must be shorter than the TTL, 1m (app.cache.default-ttl)");
			});
		this.contextRunner.withBean(RefreshAfterDefaultTtl.class).run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void refreshAfterResolvesPlaceholdersIntoThePolicy() {
		this.contextRunner.withPropertyValues("myapp.refresh=4m").withBean(RefreshAfterValid.class).run((context) -> {
			assertThat(context).hasNotFailed();
			RememberOperation operation = context.getBean(AnnotationOperationSource.class)
				.get(RefreshAfterValid.class.getDeclaredMethod("find", long.class), RefreshAfterValid.class)
				.get(Remember.class);
			assertThat(operation.policy().refreshAfter()).isEqualTo(Duration.ofMinutes(4));
			assertThat(operation.policy().ttl()).isEqualTo(Duration.ofMinutes(5));
		});
	}

	@Test
	void rememberOnFluxStopsStartup() {
		assertStartupFailure(FluxRemember.class, "Invalid @Remember(return type = \"reactor.core.publisher.Flux\") on "
				+ FluxRemember.class.getName() + ".all(String): @Remember stores one value, and a Flux is a stream");
	}

	@Test
	void rememberOnPlainFutureStopsStartup() {
		assertStartupFailure(FutureRemember.class,
				"Invalid @Remember(return type = \"java.util.concurrent.Future\") on " + FutureRemember.class.getName()
						+ ".find(long): @Remember supports values," + " CompletableFuture/CompletionStage and Mono");
	}

	@Test
	void rememberOnMonoOfVoidStopsStartup() {
		assertStartupFailure(MonoVoidRemember.class, "Invalid @Remember(key = \"'user:' + #id\") on "
				+ MonoVoidRemember.class.getName() + ".run(long): a method returning void has nothing to remember");
	}

	@Test
	void withLockOnPlainFutureStopsStartup() {
		assertStartupFailure(FutureWithLock.class,
				"Invalid @WithLock(return type = \"java.util.concurrent.Future\") on " + FutureWithLock.class.getName()
						+ ".run(long): @WithLock holds the lock until the result terminates");
	}

	@Test
	void futuresMonosAndFluxesAreAccepted() {
		this.contextRunner.withBean(AsyncValid.class)
			.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(AsyncValid.class));
	}

	private void assertStartupFailure(Class<?> beanClass, String message) {
		this.contextRunner.withBean(beanClass).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure())
				.hasStackTraceContaining(InvalidCacheConfigurationException.class.getName() + ": " + message);
		});
	}

	static class RefreshAfterTtl {

		@Remember(key = "'r:' + #id", ttl = "5m", refreshAfter = "5m")
		String find(long id) {
			return "v";
		}

	}

	static class RefreshAfterForever {

		@Remember(key = "'r:' + #id", forever = true, refreshAfter = "30s")
		String find(long id) {
			return "v";
		}

	}

	static class RefreshAfterDefaultTtl {

		@Remember(key = "'r:' + #id", refreshAfter = "90s")
		String find(long id) {
			return "v";
		}

	}

	static class RefreshAfterValid {

		@Remember(key = "'r:' + #id", ttl = "5m", refreshAfter = "${myapp.refresh}")
		String find(long id) {
			return "v";
		}

	}

	static class Placeholders {

		@Remember(key = "'p:' + #id", ttl = "${myapp.ttl:7m}")
		String find(long id) {
			return "v";
		}

		@WithLock(key = "'lock:p:' + #id", ttl = "${myapp.lease}", waitTime = "${myapp.wait:250ms}")
		void run(long id) {
		}

	}

	static class UnresolvedPlaceholder {

		@Remember(key = "'p:' + #id", ttl = "${myapp.missing}")
		String find(long id) {
			return "v";
		}

	}

	static class PlaceholderNonsense {

		@Remember(key = "'p:' + #id", ttl = "${myapp.ttl}")
		String find(long id) {
			return "v";
		}

	}

	static class Valid {

		@Remember(key = "'valid:' + #id", ttl = "PT10M", condition = "#id > 0", unless = "#result == null")
		String find(long id) {
			return "v";
		}

		@WithLock(key = "'lock:valid:' + #id", ttl = "30s", waitTime = "0s")
		void run(long id) {
		}

		@Forget(keys = { "'valid:' + #id", "'other'" })
		void update(long id) {
		}

	}

	static class Plain {

		String find(long id) {
			return "v";
		}

	}

	public static class BadTtl {

		@Remember(key = "'user:' + #id", ttl = "5 minutes")
		public String find(long id) {
			return "v";
		}

	}

	static class ForeverWithTtl {

		@Remember(key = "'user:' + #id", ttl = "5m", forever = true)
		String find(long id) {
			return "v";
		}

	}

	static class BadKey {

		@Remember(key = "'user:' +")
		String find(long id) {
			return "v";
		}

	}

	static class BadCondition {

		@Remember(key = "'user:' + #id", condition = "#id >")
		String find(long id) {
			return "v";
		}

	}

	static class BadUnless {

		@Remember(key = "'user:' + #id", unless = "#result ==")
		String find(long id) {
			return "v";
		}

	}

	static class VoidRemember {

		@Remember(key = "'user:' + #id")
		void run(long id) {
		}

	}

	static class BadWaitTime {

		@WithLock(key = "'lock:' + #id", waitTime = "soon")
		void run(long id) {
		}

	}

	static class ZeroLease {

		@WithLock(key = "'lock:' + #id", ttl = "0s")
		void run(long id) {
		}

	}

	static class NegativeWait {

		@WithLock(key = "'lock:' + #id", waitTime = "-1s")
		void run(long id) {
		}

	}

	static class BadForgetKey {

		@Forget(keys = { "'ok'", "#id +" })
		void update(long id) {
		}

	}

	static class NoForgetKeys {

		@Forget(keys = {})
		void update(long id) {
		}

	}

	static class FluxRemember {

		@Remember(key = "'all:' + #shelf")
		Flux<String> all(String shelf) {
			return Flux.just("a");
		}

	}

	static class FutureRemember {

		@Remember(key = "'user:' + #id")
		Future<String> find(long id) {
			return CompletableFuture.completedFuture("v");
		}

	}

	static class MonoVoidRemember {

		@Remember(key = "'user:' + #id")
		Mono<Void> run(long id) {
			return Mono.empty();
		}

	}

	static class FutureWithLock {

		@WithLock(key = "'lock:' + #id")
		Future<String> run(long id) {
			return CompletableFuture.completedFuture("v");
		}

	}

	static class AsyncValid {

		@Remember(key = "'a:' + #id")
		CompletableFuture<String> future(long id) {
			return CompletableFuture.completedFuture("v");
		}

		@Remember(key = "'b:' + #id")
		CompletionStage<List<String>> stage(long id) {
			return CompletableFuture.completedFuture(List.of("v"));
		}

		@Remember(key = "'c:' + #id")
		@WithLock(key = "'lock:c:' + #id")
		Mono<String> mono(long id) {
			return Mono.just("v");
		}

		@WithLock(key = "'lock:d:' + #id")
		Flux<String> flux(long id) {
			return Flux.just("v");
		}

	}

}
