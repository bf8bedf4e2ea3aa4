package io.github.saasframework.cache.internal;

import java.nio.charset.StandardCharsets;

/**
 * A cache's key prefix: turns keys relative to the prefix into Redis keys and back, and
 * patterns relative to the prefix into SCAN globs in which the prefix matches only
 * itself.
 */
public final class KeyNamespace {

	private static final char SEPARATOR = ':';

	private final String prefix;

	private final String keyStart;

	private final byte[] rawKeyStart;

	private final String escapedKeyStart;

	private final String metricsPrefix;

	public KeyNamespace(String prefix) {
		this(prefix, prefix);
	}

	private KeyNamespace(String prefix, String metricsPrefix) {
		this.prefix = prefix;
		this.metricsPrefix = metricsPrefix;
		this.keyStart = prefix.isEmpty() ? "" : prefix + SEPARATOR;
		this.rawKeyStart = this.keyStart.getBytes(StandardCharsets.UTF_8);
		this.escapedKeyStart = escapeGlob(this.keyStart);
	}

	public String prefix() {
		return this.prefix;
	}

	/**
	 * The prefix that metrics of this namespace are recorded under: the root cache's
	 * prefix unless per-prefix metrics gave this namespace its own (a bounded number of
	 * them, so that thousands of tenant namespaces cannot create thousands of meters).
	 */
	public String metricsPrefix() {
		return this.metricsPrefix;
	}

	/**
	 * The namespace of a child prefix.
	 * @param ownMetrics whether the child's metrics carry its own prefix rather than its
	 * parent's metrics prefix
	 */
	public KeyNamespace child(String part, boolean ownMetrics) {
		String childPrefix = this.prefix.isEmpty() ? part : this.prefix + SEPARATOR + part;
		return new KeyNamespace(childPrefix, ownMetrics ? childPrefix : this.metricsPrefix);
	}

	public String redisKey(String key) {
		return this.keyStart.isEmpty() ? key : this.keyStart.concat(key);
	}

	/**
	 * The Redis key in UTF-8. An ASCII key (the usual case) is copied straight after the
	 * encoded prefix: one array per call rather than a joined string and its encoding.
	 */
	public byte[] rawKey(String key) {
		int start = this.rawKeyStart.length;
		byte[] raw = new byte[start + key.length()];
		for (int i = 0; i < key.length(); i++) {
			char c = key.charAt(i);
			if (c >= 0x80) {
				return redisKey(key).getBytes(StandardCharsets.UTF_8);
			}
			raw[start + i] = (byte) c;
		}
		System.arraycopy(this.rawKeyStart, 0, raw, 0, start);
		return raw;
	}

	/** The bytes of a Redis key. */
	public static byte[] bytes(String redisKey) {
		return redisKey.getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * The key relative to this namespace, for a Redis key that SCAN returned for one of
	 * this namespace's patterns.
	 */
	public String relativeKey(byte[] rawRedisKey) {
		String redisKey = new String(rawRedisKey, StandardCharsets.UTF_8);
		return redisKey.startsWith(this.keyStart) ? redisKey.substring(this.keyStart.length()) : redisKey;
	}

	/**
	 * A SCAN glob for a pattern relative to this namespace. The prefix is escaped so that
	 * a prefix such as {@code t[1]} or {@code a*} matches literally and never reaches
	 * into another namespace; the caller's pattern stays a glob.
	 */
	public String scanPattern(String pattern) {
		return this.escapedKeyStart.concat(pattern);
	}

	/**
	 * Whether a SCAN glob matches (nearly) every key: a star with nothing else but stars
	 * and question marks ({@code *}, {@code **}, {@code ?*}).
	 */
	public static boolean matchesEverything(String pattern) {
		return pattern.indexOf('*') >= 0 && pattern.chars().allMatch((c) -> c == '*' || c == '?');
	}

	public static String escapeGlob(String literal) {
		StringBuilder escaped = null;
		for (int i = 0; i < literal.length(); i++) {
			char c = literal.charAt(i);
			boolean special = c == '*' || c == '?' || c == '[' || c == ']' || c == '\\' || c == '^' || c == '-';
			if (special && escaped == null) {
				escaped = new StringBuilder(literal.length() + 8).append(literal, 0, i);
			}
			if (escaped != null) {
				if (special) {
					escaped.append('\\');
				}
				escaped.append(c);
			}
		}
		return (escaped != null) ? escaped.toString() : literal;
	}

}
