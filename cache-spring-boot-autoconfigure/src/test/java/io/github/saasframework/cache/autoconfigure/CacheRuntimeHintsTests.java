package io.github.saasframework.cache.autoconfigure;

import io.github.saasframework.cache.interceptor.CacheAnnotationsAotProcessor;
import io.github.saasframework.cache.interceptor.CacheExpressionRootObject;
import java.io.IOException;
import java.util.List;
import java.util.Map;

import io.github.saasframework.cache.annotation.Forget;
import io.github.saasframework.cache.annotation.Remember;
import io.github.saasframework.cache.annotation.WithLock;
import org.junit.jupiter.api.Test;

import org.springframework.aot.generate.ClassNameGenerator;
import org.springframework.aot.generate.DefaultGenerationContext;
import org.springframework.aot.generate.InMemoryGeneratedFiles;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.beans.factory.aot.AotServices;
import org.springframework.beans.factory.aot.BeanRegistrationAotProcessor;
import org.springframework.beans.factory.support.RegisteredBean;
import org.springframework.context.annotation.AnnotationConfigUtils;
import org.springframework.context.aot.ApplicationContextAotGenerator;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.javapoet.ClassName;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The AOT hints of the starter, as Spring's AOT engine collects them for an application
 * with the auto-configuration and an annotated bean: every Lua script of cache-core, the
 * SpEL root object, and each annotated method with the types its values and arguments
 * bind to. The sample application is also run through {@code spring-boot:process-aot} and
 * started in AOT mode (see docs/aot.md).
 */
class CacheRuntimeHintsTests {

	@Test
	void aotProcessing_registersScriptsRootObjectAndAnnotatedMethods() throws IOException {
		RuntimeHints hints = processAheadOfTime();
		Resource[] scripts = new PathMatchingResourcePatternResolver()
			.getResources("classpath*:" + CacheRuntimeHints.LUA_SCRIPTS);
		assertThat(scripts).hasSizeGreaterThanOrEqualTo(3);
		for (Resource script : scripts) {
			assertThat(RuntimeHintsPredicates.resource()
				.forResource("io/github/saasframework/cache/internal/redis/" + script.getFilename())).accepts(hints);
		}
		assertThat(RuntimeHintsPredicates.reflection()
			.onType(CacheExpressionRootObject.class)
			.withMemberCategory(MemberCategory.INVOKE_PUBLIC_METHODS)).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection()
			.onMethodInvocation(CacheExpressionRootObject.class, "getMethodName")).accepts(hints);

		for (String name : List.of("orders", "ordersByCustomer", "rebuild", "evict")) {
			assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(AnnotatedService.class, name)).as(name)
				.accepts(hints);
		}
		// the value types of @Remember, down to generic arguments, and SpEL argument
		// types
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Order.class, "id")).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Customer.class, "name")).accepts(hints);
	}

	@Test
	void processorIsListedInAotFactories() {
		assertThat(AotServices.factories().load(BeanRegistrationAotProcessor.class))
			.anyMatch(CacheAnnotationsAotProcessor.class::isInstance);
	}

	@Test
	void beanWithoutCacheAnnotations_contributesNothing() {
		GenericApplicationContext context = new GenericApplicationContext();
		context.registerBean("plain", Customer.class, () -> new Customer("x"));
		assertThat(new CacheAnnotationsAotProcessor()
			.processAheadOfTime(RegisteredBean.of(context.getDefaultListableBeanFactory(), "plain"))).isNull();
	}

	private static RuntimeHints processAheadOfTime() {
		GenericApplicationContext context = new GenericApplicationContext();
		AnnotationConfigUtils.registerAnnotationConfigProcessors(context);
		context.registerBean(RedisCacheAutoConfiguration.class);
		context.registerBean(AnnotatedService.class);
		DefaultGenerationContext generationContext = new DefaultGenerationContext(
				new ClassNameGenerator(ClassName.get(CacheRuntimeHintsTests.class)), new InMemoryGeneratedFiles());
		new ApplicationContextAotGenerator().processAheadOfTime(context, generationContext);
		return generationContext.getRuntimeHints();
	}

	record Order(long id, String item) {
	}

	record Customer(String name) {
	}

	static class AnnotatedService {

		@Remember(key = "'orders:' + #customer.name")
		public List<Order> orders(Customer customer) {
			return List.of();
		}

		@Remember(key = "'by-customer'")
		public Map<String, List<Order>> ordersByCustomer() {
			return Map.of();
		}

		@WithLock(key = "'lock:rebuild'")
		public void rebuild() {
		}

		@Forget(keys = "'orders:' + #name")
		public void evict(String name) {
		}

		public void plain() {
		}

	}

}
