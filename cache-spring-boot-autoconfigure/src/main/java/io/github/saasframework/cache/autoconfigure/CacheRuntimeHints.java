package io.github.saasframework.cache.autoconfigure;

import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

/**
 * What a native image (or an AOT-processed application) needs beyond what Spring infers:
 * the Lua scripts of cache-core, read as classpath resources next to their class, and the
 * SpEL root object of the annotations ({@code #root.methodName}), whose getters SpEL
 * calls reflectively. The annotated methods themselves are covered by
 * {@link CacheAnnotationsAotProcessor}.
 */
final class CacheRuntimeHints implements RuntimeHintsRegistrar {

	/** The scripts of {@code io.github.saasframework.cache.LuaScripts}. */
	static final String LUA_SCRIPTS = "io/github/saasframework/cache/*.lua";

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		hints.resources().registerPattern(LUA_SCRIPTS);
		hints.reflection().registerType(CacheExpressionRootObject.class, MemberCategory.INVOKE_PUBLIC_METHODS);
	}

}
