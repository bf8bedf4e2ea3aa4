package io.github.saasframework.cache.internal.redis;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.springframework.data.redis.core.script.DigestUtils;

/**
 * The library's Lua scripts, read once from the {@code .lua} resources next to this
 * class, and their execution: {@code EVALSHA}, falling back to {@code EVAL} (which also
 * loads the script) when the server answers {@code NOSCRIPT}, for example after a restart
 * or on a new cluster node. A script's keys are always in one hash slot (most take one
 * key; the lock acquire and extend take the lock key and its fencing counter, which
 * shares the lock key's slot), so every script runs on a Redis Cluster too.
 * <p>
 * Each script is read with {@code acl.lua} in front: its {@code call(...)} runs a command
 * as {@code redis.call} does, but names the command when the ACL refuses it to the
 * cache's user, which Redis 7.0 does not do inside a script.
 */
public enum LuaScripts {

	LOCK_ACQUIRE("lock-acquire.lua"),

	LOCK_RELEASE("lock-release.lua"),

	LOCK_EXTEND("lock-extend.lua"),

	INCREMENT_WITH_TTL("increment-with-ttl.lua"),

	GET_WITH_TTL("get-with-ttl.lua");

	private final byte[] source;

	private final String sha1;

	LuaScripts(String resource) {
		String text = read("acl.lua") + read(resource);
		this.source = text.getBytes(StandardCharsets.UTF_8);
		this.sha1 = DigestUtils.sha1DigestAsHex(text);
	}

	private static String read(String resource) {
		try (InputStream in = LuaScripts.class.getResourceAsStream(resource)) {
			if (in == null) {
				throw new IllegalStateException("Lua script " + resource + " is missing from the classpath");
			}
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot read Lua script " + resource, ex);
		}
	}

	/**
	 * The script's text.
	 * @return the UTF-8 bytes
	 */
	public byte[] source() {
		return this.source;
	}

	/**
	 * The script's SHA-1, for {@code EVALSHA}.
	 * @return the hex digest
	 */
	public String sha1() {
		return this.sha1;
	}

	/**
	 * Whether a failure is the server's {@code NOSCRIPT} reply.
	 * @param ex the failure
	 * @return {@code true} for {@code NOSCRIPT}
	 */
	public static boolean isNoScript(Throwable ex) {
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
