package io.github.saasframework.cache.interceptor;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import io.github.saasframework.cache.Cache;
import io.github.saasframework.cache.CacheConfig;
import io.github.saasframework.cache.RememberPolicy;
import io.github.saasframework.cache.annotation.Forget;
import io.github.saasframework.cache.annotation.Remember;
import io.github.saasframework.cache.annotation.WithLock;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.AopUtils;
import org.springframework.context.EmbeddedValueResolverAware;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.MethodClassKey;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.expression.Expression;
import org.springframework.expression.ParseException;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;
import org.springframework.util.StringUtils;
import org.springframework.util.StringValueResolver;

/**
 * The parsed cache annotations ({@code @Remember}, {@code @WithLock}, {@code @Forget}) of
 * the application's classes: the annotation support's counterpart of Spring's
 * {@code CacheOperationSource}. Parses the cache annotations of a class once, validates
 * them, and keeps the result per method and target class. The pointcuts ask it which
 * methods to advise (which makes a whole class be parsed, and any invalid annotation stop
 * the application context, when the auto-proxy creator first looks at a bean); the
 * interceptors ask it what to do. Thread-safe. Made by
 * {@link CacheAnnotationAdvisors#operationSource()}.
 *
 * @since 0.3.0
 */
public final class AnnotationOperationSource implements EmbeddedValueResolverAware {

	/** What methods without cache annotations map to; its method is never used. */
	private static final MethodOperations NONE = new MethodOperations(
			ReflectionUtils.findMethod(Object.class, "toString"), Map.of());

	private final CacheExpressionEvaluator evaluator;

	/**
	 * Resolves {@code ${...}} placeholders in duration attributes; none outside a
	 * context.
	 */
	private @Nullable StringValueResolver placeholders;

	/** The one registry of annotations: each with the parser of its operation. */
	private final Map<Class<? extends Annotation>, OperationParser<?>> parsers = new LinkedHashMap<>();

	private final Map<Class<?>, Set<Class<? extends Annotation>>> classes = new ConcurrentHashMap<>(256);

	private final Map<MethodClassKey, MethodOperations> methods = new ConcurrentHashMap<>(256);

	AnnotationOperationSource(CacheExpressionEvaluator evaluator) {
		this.evaluator = evaluator;
		register(Remember.class, this::parseRemember);
		register(WithLock.class, this::parseWithLock);
		register(Forget.class, this::parseForget);
	}

	private <A extends Annotation> void register(Class<A> annotation, OperationParser<A> parser) {
		this.parsers.put(annotation, parser);
	}

	@Override
	public void setEmbeddedValueResolver(StringValueResolver resolver) {
		this.placeholders = resolver;
	}

	CacheExpressionEvaluator evaluator() {
		return this.evaluator;
	}

	/**
	 * Whether any method of the class carries the annotation; parses and validates every
	 * annotated method of the class the first time it is asked.
	 * @throws IllegalStateException if an annotation of the class is invalid
	 */
	boolean hasAnnotatedMethods(Class<?> targetClass, Class<? extends Annotation> annotation) {
		return this.classes.computeIfAbsent(targetClass, this::introspect).contains(annotation);
	}

	/**
	 * The operations of a method called on an instance of the target class.
	 * @return the operations, empty when the method carries no cache annotation
	 * @throws IllegalStateException if an annotation of the method is invalid
	 */
	MethodOperations get(Method method, Class<?> targetClass) {
		MethodOperations found = this.methods.get(new MethodClassKey(method, targetClass));
		if (found == null) {
			found = this.methods.computeIfAbsent(new MethodClassKey(method, targetClass),
					(key) -> parse(method, targetClass));
		}
		return found;
	}

	private Set<Class<? extends Annotation>> introspect(Class<?> targetClass) {
		if (!AnnotationUtils.isCandidateClass(targetClass, this.parsers.keySet())) {
			return Set.of();
		}
		Map<Method, MethodOperations> annotated = MethodIntrospector.selectMethods(targetClass,
				(MethodIntrospector.MetadataLookup<MethodOperations>) (method) -> {
					MethodOperations operations = parse(method, targetClass);
					return operations.isEmpty() ? null : operations;
				});
		Set<Class<? extends Annotation>> present = new HashSet<>();
		annotated.forEach((method, operations) -> {
			this.methods.putIfAbsent(new MethodClassKey(method, targetClass), operations);
			present.addAll(operations.operations().keySet());
		});
		return Set.copyOf(present);
	}

	private MethodOperations parse(Method method, Class<?> targetClass) {
		Method specific = AopUtils.getMostSpecificMethod(method, targetClass);
		Map<Class<? extends Annotation>, Object> operations = new LinkedHashMap<>();
		this.parsers.forEach((type, parser) -> {
			Annotation annotation = find(specific, method, type);
			if (annotation != null) {
				operations.put(type, parse(parser, annotation, specific, targetClass));
			}
		});
		return operations.isEmpty() ? NONE : new MethodOperations(specific, operations);
	}

	@SuppressWarnings("unchecked")
	private static <A extends Annotation> Object parse(OperationParser<A> parser, Annotation annotation, Method method,
			Class<?> targetClass) {
		return parser.parse((A) annotation, method, targetClass);
	}

	private static <A extends Annotation> @Nullable A find(Method specific, Method original, Class<A> type) {
		A found = AnnotatedElementUtils.findMergedAnnotation(specific, type);
		if (found == null && specific != original) {
			found = AnnotatedElementUtils.findMergedAnnotation(original, type);
		}
		return found;
	}

	private RememberOperation parseRemember(Remember remember, Method method, Class<?> targetClass) {
		Problems problems = new Problems("@Remember", method, this.placeholders);
		Expression key = problems.key(remember.key(),
				() -> this.evaluator.parseKey(remember.key(), method, targetClass));
		Duration ttl = Duration.ZERO;
		if (StringUtils.hasLength(remember.ttl())) {
			if (remember.forever()) {
				problems.fail("ttl", remember.ttl(), "must be empty when forever = true");
			}
			ttl = problems.duration("ttl", remember.ttl(), false);
		}
		Expression condition = problems.expression("condition", remember.condition(),
				() -> this.evaluator.parseCondition(remember.condition(), method, targetClass));
		Expression unless = problems.expression("unless", remember.unless(),
				() -> this.evaluator.parseUnless(remember.unless(), method, targetClass));
		ResolvableType returnType = ResolvableType.forMethodReturnType(method, targetClass);
		Class<?> rawReturnType = returnType.resolve(Object.class);
		AsyncReturn returns = AsyncReturn.of(method.getReturnType());
		if (returns == AsyncReturn.FLUX) {
			problems.fail("return type", rawReturnType.getName(),
					"@Remember stores one value, and a Flux is a stream: caching it would buffer the whole stream"
							+ " before emitting anything; return Mono<List<T>> to make that explicit, or use"
							+ " @Cacheable (which caches a Flux as a list) or ReactiveCache.rememberMany");
		}
		if (returns == AsyncReturn.UNSUPPORTED) {
			problems.fail("return type", rawReturnType.getName(),
					"@Remember supports values, CompletableFuture/CompletionStage and Mono; a plain Future cannot be"
							+ " awaited without blocking and other asynchronous types are not supported");
		}
		if (returns.isAsync()) {
			returnType = returnType.as(rawReturnType).getGeneric(0);
			rawReturnType = returnType.resolve(Object.class);
		}
		if (rawReturnType == void.class || rawReturnType == Void.class) {
			problems.fail("key", remember.key(), "a method returning void has nothing to remember");
		}
		boolean optional = rawReturnType == Optional.class;
		Type valueType = toType(optional ? returnType.getGeneric(0) : returnType);
		RememberPolicy policy = remember.forever() ? RememberPolicy.forever() : RememberPolicy.ttl(ttl);
		if (StringUtils.hasLength(remember.refreshAfter())) {
			policy = refreshAfter(problems, remember, policy);
		}
		return RememberOperation.of(key, policy, condition, unless, valueType, optional, returns,
				describe(targetClass, method));
	}

	/**
	 * The refresh age of a {@code @Remember}, checked by the core's one rule
	 * ({@link RememberPolicy#requireRefreshBeforeExpiry}) against its TTL, which is
	 * {@code app.cache.default-ttl} when the annotation names none (a {@code Cache} bean
	 * of the application's own is checked on each call instead).
	 */
	private RememberPolicy refreshAfter(Problems problems, Remember remember, RememberPolicy policy) {
		String value = remember.refreshAfter();
		if (remember.forever()) {
			problems.fail("refreshAfter", value, "cannot be combined with forever = true: the age of an entry is"
					+ " read from its remaining TTL, and an entry stored forever has none");
		}
		RememberPolicy refreshing = policy.refreshAfter(problems.duration("refreshAfter", value, false));
		Duration defaultTtl = defaultTtl();
		try {
			return refreshing.requireRefreshBeforeExpiry(defaultTtl);
		}
		catch (IllegalArgumentException ex) {
			boolean fromDefault = policy.ttl().isZero();
			Duration entryTtl = fromDefault ? defaultTtl : policy.ttl();
			problems.fail("refreshAfter", value, entryTtl.equals(Cache.NO_EXPIRY)
					? "needs a TTL: ttl is empty and app.cache.default-ttl stores without expiry, and the age of"
							+ " an entry is read from its remaining TTL"
					: "must be shorter than the TTL, " + InvalidCacheConfigurationException.display(entryTtl)
							+ (fromDefault ? " (app.cache.default-ttl)" : ""));
			return refreshing;
		}
	}

	private Duration defaultTtl() {
		String configured = (this.placeholders != null)
				? this.placeholders.resolveStringValue("${app.cache.default-ttl:}") : null;
		if (!StringUtils.hasText(configured)) {
			return CacheConfig.defaults().defaultTtl();
		}
		try {
			return DurationStyle.detectAndParse(configured.trim());
		}
		catch (IllegalArgumentException ex) {
			// the property's own binding reports it, naming the property
			return CacheConfig.defaults().defaultTtl();
		}
	}

	private WithLockOperation parseWithLock(WithLock withLock, Method method, Class<?> targetClass) {
		Problems problems = new Problems("@WithLock", method, this.placeholders);
		Expression key = problems.key(withLock.key(),
				() -> this.evaluator.parseKey(withLock.key(), method, targetClass));
		Duration ttl = StringUtils.hasLength(withLock.ttl()) ? problems.duration("ttl", withLock.ttl(), false) : null;
		Duration waitTime = StringUtils.hasLength(withLock.waitTime())
				? problems.duration("waitTime", withLock.waitTime(), true) : null;
		AsyncReturn returns = AsyncReturn.of(method.getReturnType());
		if (returns == AsyncReturn.UNSUPPORTED) {
			problems.fail("return type", method.getReturnType().getName(),
					"@WithLock holds the lock until the result terminates, which it can follow for"
							+ " CompletableFuture/CompletionStage, Mono and Flux only; a plain Future cannot be awaited"
							+ " without blocking and other asynchronous types are not supported");
		}
		return new WithLockOperation(key, ttl, waitTime, returns);
	}

	private ForgetOperation parseForget(Forget forget, Method method, Class<?> targetClass) {
		Problems problems = new Problems("@Forget", method, this.placeholders);
		if (forget.keys().length == 0) {
			problems.fail("keys", "{}", "at least one key is needed");
		}
		List<Expression> keys = new ArrayList<>(forget.keys().length);
		for (String key : forget.keys()) {
			keys.add(problems.key(key, () -> this.evaluator.parseKey(key, method, targetClass)));
		}
		return new ForgetOperation(List.copyOf(keys), AsyncReturn.of(method.getReturnType()));
	}

	/**
	 * A {@link Type} with every type variable resolved against the target class, boxed
	 * for primitives, so that the serializer reads {@code List<User>} as such.
	 */
	static Type toType(ResolvableType type) {
		Class<?> raw = ClassUtils.resolvePrimitiveIfNecessary(type.resolve(Object.class));
		if (!type.hasGenerics() || raw.getTypeParameters().length != type.getGenerics().length) {
			return raw;
		}
		ResolvableType[] generics = Arrays.stream(type.getGenerics())
			.map((generic) -> ResolvableType.forType(toType(generic)))
			.toArray(ResolvableType[]::new);
		return ResolvableType.forClassWithGenerics(raw, generics).getType();
	}

	/**
	 * Checks that the values of every {@code @Remember} method parsed so far (every
	 * method of the singletons, once the context has started) can be read back; a method
	 * whose values cannot is logged at ERROR once and runs without the cache.
	 */
	void checkReadBack(Cache cache) {
		for (MethodOperations operations : this.methods.values()) {
			RememberOperation remember = operations.get(Remember.class);
			if (remember != null) {
				RememberReadBack.Guarded guarded = remember.readBack().on(cache, remember.policy());
				if (guarded != null) {
					guarded.guard.typeReadable();
				}
			}
		}
	}

	/**
	 * {@code com.example.UserService.find(long)} of the class the method is called on.
	 */
	static String describe(Class<?> targetClass, Method method) {
		return ClassUtils.getUserClass(targetClass).getName() + "." + method.getName()
				+ Arrays.stream(method.getParameterTypes())
					.map(Class::getSimpleName)
					.collect(Collectors.joining(", ", "(", ")"));
	}

	/**
	 * {@code com.example.UserService.find(long)}, for messages.
	 */
	static String describe(Method method) {
		return method.getDeclaringClass().getName() + "." + method.getName()
				+ Arrays.stream(method.getParameterTypes())
					.map(Class::getSimpleName)
					.collect(Collectors.joining(", ", "(", ")"));
	}

	/** Builds the startup error messages of one annotation on one method. */
	private static final class Problems {

		private final String annotation;

		private final Method method;

		private final @Nullable StringValueResolver placeholders;

		Problems(String annotation, Method method, @Nullable StringValueResolver placeholders) {
			this.annotation = annotation;
			this.method = method;
			this.placeholders = placeholders;
		}

		Expression key(String value, ExpressionParser parser) {
			if (!StringUtils.hasText(value)) {
				fail("key", value, "a key expression is required");
			}
			return parse("key", value, parser);
		}

		@Nullable Expression expression(String attribute, String value, ExpressionParser parser) {
			return StringUtils.hasText(value) ? parse(attribute, value, parser) : null;
		}

		Duration duration(String attribute, String value, boolean zeroAllowed) {
			String resolved;
			try {
				resolved = (this.placeholders != null) ? this.placeholders.resolveStringValue(value) : value;
			}
			catch (IllegalArgumentException ex) {
				throw failure(attribute, value, "a placeholder cannot be resolved: " + ex.getMessage(), ex);
			}
			if (resolved != null && resolved.contains("${")) {
				fail(attribute, value, "a placeholder cannot be resolved: no such property and no default"
						+ " (write ${name:default} for one)");
			}
			String shown = value.equals(resolved) ? value : value + "\" = \"" + resolved;
			Duration duration;
			try {
				duration = DurationStyle.detectAndParse((resolved != null) ? resolved.trim() : "");
			}
			catch (IllegalArgumentException ex) {
				throw failure(attribute, shown, "not a duration", ex);
			}
			if (duration.isNegative() || (!zeroAllowed && duration.isZero())) {
				fail(attribute, shown, zeroAllowed ? "must not be negative" : "must be positive");
			}
			return duration;
		}

		void fail(String attribute, String value, String reason) {
			throw failure(attribute, value, reason, null);
		}

		private Expression parse(String attribute, String value, ExpressionParser parser) {
			try {
				return parser.parse();
			}
			catch (ParseException ex) {
				throw failure(attribute, value, "not valid SpEL: " + ex.getMessage(), ex);
			}
		}

		private IllegalStateException failure(String attribute, String value, String reason,
				@Nullable Exception cause) {
			return InvalidCacheConfigurationException.annotation(this.annotation, attribute, describe(this.method),
					value, reason, validForms(attribute), cause);
		}

		private static String validForms(String attribute) {
			return switch (attribute) {
				case "ttl", "waitTime", "refreshAfter" ->
					"a duration such as 30s, 5m, PT10M or a placeholder such as ${myapp.ttl:5m}";
				case "keys" -> "one or more SpEL key expressions";
				case "return type" ->
					"a value, CompletableFuture<T>, CompletionStage<T> or Mono<T> (and Flux<T> for" + " @WithLock)";
				default -> "a valid SpEL expression, such as 'user:' + #id";
			};
		}

	}

	/** Parses and validates one annotation of a method into its operation. */
	@FunctionalInterface
	private interface OperationParser<A extends Annotation> {

		Object parse(A annotation, Method method, Class<?> targetClass);

	}

	@FunctionalInterface
	private interface ExpressionParser {

		Expression parse();

	}

}
