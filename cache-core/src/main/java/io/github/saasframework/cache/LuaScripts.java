package io.github.saasframework.cache;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;

import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.ReturnType;
import org.springframework.data.redis.core.script.DigestUtils;

/**
 * The library's Lua scripts, read once from the {@code .lua} resources next to this
 * class, and their execution: {@code EVALSHA}, falling back to {@code EVAL} (which also
 * loads the script) when the server answers {@code NOSCRIPT}, for example after a restart
 * or on a new cluster node. A script's keys are always in one hash slot (most take one
 * key; the lock acquire takes the lock key and its fencing counter, which shares the lock
 * key's slot), so every script runs on a Redis Cluster too.
 */
enum LuaScripts {

	LOCK_ACQUIRE("lock-acquire.lua"),

	LOCK_RELEASE("lock-release.lua"),

	LOCK_EXTEND("lock-extend.lua"),

	INCREMENT_WITH_TTL("increment-with-ttl.lua"),

	GET_WITH_TTL("get-with-ttl.lua");

	private final byte[] source;

	private final String sha1;

	LuaScripts(String resource) {
		try (InputStream in = LuaScripts.class.getResourceAsStream(resource)) {
			if (in == null) {
				throw new IllegalStateException("Lua script " + resource + " is missing from the classpath");
			}
			String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
			this.source = text.getBytes(StandardCharsets.UTF_8);
			this.sha1 = DigestUtils.sha1DigestAsHex(text);
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot read Lua script " + resource, ex);
		}
	}

	/**
	 * Runs the script on its keys (all in one hash slot) and returns its integer reply.
	 */
	long run(RedisConnection connection, byte[][] keys, byte[]... args) {
		Long result = run(connection, ReturnType.INTEGER, keys, args);
		return (result != null) ? result : 0;
	}

	/**
	 * Runs the script on one key and returns its reply as Spring Data converts it for the
	 * return type ({@code List<Object>} of {@code byte[]} and {@code Long} for
	 * {@link ReturnType#MULTI}).
	 */
	<T> @Nullable T run(RedisConnection connection, ReturnType returnType, byte[] key, byte[]... args) {
		return run(connection, returnType, new byte[][] { key }, args);
	}

	private <T> @Nullable T run(RedisConnection connection, ReturnType returnType, byte[][] keys, byte[]... args) {
		byte[][] keysAndArgs = new byte[keys.length + args.length][];
		System.arraycopy(keys, 0, keysAndArgs, 0, keys.length);
		System.arraycopy(args, 0, keysAndArgs, keys.length, args.length);
		try {
			return connection.scriptingCommands().evalSha(this.sha1, returnType, keys.length, keysAndArgs);
		}
		catch (DataAccessException ex) {
			if (!isNoScript(ex)) {
				throw ex;
			}
			return connection.scriptingCommands().eval(this.source, returnType, keys.length, keysAndArgs);
		}
	}

	byte[] source() {
		return this.source;
	}

	String sha1() {
		return this.sha1;
	}

	static boolean isNoScript(Throwable ex) {
		for (Throwable current = ex; current != null; current = current.getCause()) {
			String message = current.getMessage();
			if (message != null && message.contains("NOSCRIPT")) {
				return true;
			}
			if (current.getCause() == current) {
				break;
			}
		}
		return false;
	}

}
