package io.github.saasframework.cache.reactive;

import java.lang.reflect.Type;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

import io.github.saasframework.cache.AsyncCache;
import io.github.saasframework.cache.Cache;
import io.github.saasframework.cache.RememberPolicy;
import io.github.saasframework.cache.internal.Arguments;
import io.github.saasframework.cache.internal.TtlPolicy;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.core.ResolvableType;

/**
 * The {@link ReactiveCache} of a {@link Cache}: each method checks its arguments, then
 * defers the {@link AsyncCache} call to the subscription.
 */
final class DefaultReactiveCache implements ReactiveCache {

	private final Cache cache;

	private final AsyncCache async;

	DefaultReactiveCache(Cache cache) {
		this.cache = Arguments.requireNonNull(cache, "cache");
		this.async = cache.async();
	}

	@Override
	public <T> Mono<T> get(String key, Class<T> type) {
		requireKey(key);
		Arguments.requireNonNull(type, "type");
		return Mono.fromFuture(() -> this.async.get(key, type)).flatMap(Mono::justOrEmpty);
	}

	@Override
	public <T> Mono<T> get(String key, ParameterizedTypeReference<T> type) {
		requireKey(key);
		Arguments.requireNonNull(type, "type");
		return Mono.fromFuture(() -> this.async.get(key, type)).flatMap(Mono::justOrEmpty);
	}

	@Override
	public <T> Mono<Map<String, T>> getAll(Collection<String> keys, Class<T> type) {
		requireKeys(keys);
		Arguments.requireNonNull(type, "type");
		return Mono.fromFuture(() -> this.async.getAll(keys, type));
	}

	@Override
	public <T> Mono<Map<String, T>> getAll(Collection<String> keys, ParameterizedTypeReference<T> type) {
		requireKeys(keys);
		Arguments.requireNonNull(type, "type");
		return Mono.fromFuture(() -> this.async.getAll(keys, type));
	}

	@Override
	public Mono<Void> set(String key, Object value) {
		return set(key, value, Duration.ZERO);
	}

	@Override
	public Mono<Void> set(String key, Object value, Duration ttl) {
		requireKey(key);
		Arguments.requireNonNull(value, "value");
		TtlPolicy.check(ttl, "ttl");
		return Mono.fromFuture(() -> this.async.set(key, value, ttl));
	}

	@Override
	public Mono<Boolean> delete(String key) {
		requireKey(key);
		return Mono.fromFuture(() -> this.async.delete(key));
	}

	@Override
	public Mono<Long> increment(String key, long delta) {
		requireKey(key);
		return Mono.fromFuture(() -> this.async.increment(key, delta));
	}

	@Override
	public <T> Mono<T> remember(String key, Duration ttl, Class<T> type, Supplier<? extends Mono<T>> loader) {
		requireKey(key);
		TtlPolicy.check(ttl, "ttl");
		Arguments.requireNonNull(type, "type");
		Arguments.requireNonNull(loader, "loader");
		return Mono.fromFuture(() -> this.async.remember(key, ttl, type, () -> subscribe(key, loader)));
	}

	@Override
	public <T> Mono<T> remember(String key, RememberPolicy policy, ParameterizedTypeReference<T> type,
			Supplier<? extends Mono<T>> loader) {
		requireKey(key);
		Arguments.requireNonNull(policy, "policy");
		Arguments.requireNonNull(type, "type");
		Arguments.requireNonNull(loader, "loader");
		return Mono.fromFuture(() -> this.async.remember(key, policy, type, () -> subscribe(key, loader)));
	}

	@Override
	public <T> Flux<T> rememberMany(String key, Duration ttl, Class<T> elementType,
			Supplier<? extends Flux<T>> loader) {
		requireKey(key);
		TtlPolicy.check(ttl, "ttl");
		Arguments.requireNonNull(elementType, "elementType");
		Arguments.requireNonNull(loader, "loader");
		Type listType = ResolvableType.forClassWithGenerics(List.class, elementType).getType();
		ParameterizedTypeReference<List<T>> type = ParameterizedTypeReference.forType(listType);
		return Mono
			.fromFuture(() -> this.async.remember(key, RememberPolicy.ttl(ttl), type,
					() -> subscribe(key, () -> loader.get().collectList())))
			.flatMapIterable(Function.identity());
	}

	@Override
	public ReactiveCache withPrefix(String prefix) {
		return new DefaultReactiveCache(this.cache.withPrefix(prefix));
	}

	@Override
	public AsyncCache async() {
		return this.async;
	}

	@Override
	public String toString() {
		return "ReactiveCache[prefix='" + this.cache.prefix() + "']";
	}

	/**
	 * The loader's {@code Mono}, subscribed to once, as the stage remember composes on.
	 */
	private static <T> java.util.concurrent.CompletableFuture<T> subscribe(String key,
			Supplier<? extends Mono<T>> loader) {
		Mono<T> mono = loader.get();
		if (mono == null) {
			throw new IllegalStateException("The loader of key " + Arguments.quote(key) + " returned no Mono");
		}
		return mono.toFuture();
	}

	private static void requireKey(String key) {
		Arguments.requireText(key, "key");
	}

	private static void requireKeys(Collection<String> keys) {
		Arguments.requireNonNull(keys, "keys");
		for (String key : keys) {
			requireKey(key);
		}
	}

}
