package io.github.saasframework.cache.internal;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link KeyNamespace#rawKey}: the UTF-8 encoding of the Redis key, whether the key is
 * ASCII (copied byte by byte) or not (encoded), with and without a prefix.
 */
class KeyNamespaceTests {

	@ParameterizedTest
	@ValueSource(strings = { "", "user:42", "tab\there", "\u007f", "\u0080", "caf\u00e9", "\u00e9t\u00e9",
			"emoji-\ud83d\ude00", "\u4e2d\u6587", "ascii-then-\u00fc" })
	void rawKey_isTheUtf8OfTheRedisKey(String key) {
		for (KeyNamespace namespace : new KeyNamespace[] { new KeyNamespace(""), new KeyNamespace("app"),
				new KeyNamespace("caf\u00e9").child("t\u00fcrkiye", false) }) {
			assertThat(namespace.rawKey(key)).as(namespace.redisKey(key))
				.isEqualTo(namespace.redisKey(key).getBytes(StandardCharsets.UTF_8));
		}
	}

}
