package io.github.saasframework.cache.autoconfigure;

import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.TypeReference;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

/**
 * What a native image (or an AOT-processed application) needs beyond what Spring infers:
 * the Lua scripts of cache-core, read as classpath resources next to their class, and the
 * SpEL root object of the annotations ({@code #root.methodName}), whose getters SpEL
 * calls reflectively. The annotated methods themselves are covered by
 * {@link CacheAnnotationsAotProcessor}.
 */
final class CacheRuntimeHints implements RuntimeHintsRegistrar {

	/** The scripts of the core's Redis door ({@code internal.redis.LuaScripts}). */
	static final String LUA_SCRIPTS = "io/github/saasframework/cache/internal/redis/*.lua";

	/** The root object of the annotations' SpEL expressions (its public methods). */
	static final String EXPRESSION_ROOT = "io.github.saasframework.cache.interceptor.CacheExpressionRootObject";

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		hints.resources().registerPattern(LUA_SCRIPTS);
		hints.reflection().registerType(TypeReference.of(EXPRESSION_ROOT), MemberCategory.INVOKE_PUBLIC_METHODS);
	}

}
