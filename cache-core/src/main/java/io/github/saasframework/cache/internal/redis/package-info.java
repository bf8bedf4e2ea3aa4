/**
 * Not API: the door every Redis command of the library goes through ({@code RedisDoor}:
 * each command a future on Lettuce's asynchronous API, awaited with the command timeout
 * by blocking callers), the Lua scripts, and the one fault policy ({@code Outages}).
 * Nothing here knows a feature of the cache.
 */
@NullMarked
package io.github.saasframework.cache.internal.redis;

import org.jspecify.annotations.NullMarked;
