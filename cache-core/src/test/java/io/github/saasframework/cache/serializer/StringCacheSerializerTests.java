package io.github.saasframework.cache.serializer;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The string serializer writes and reads only text and bytes, and refuses everything
 * else.
 */
class StringCacheSerializerTests {

	private final StringCacheSerializer serializer = new StringCacheSerializer();

	@Test
	void serialize_stringAndBytes_raw() {
		assertThat(this.serializer.serialize("héllo")).isEqualTo("héllo".getBytes(StandardCharsets.UTF_8));
		byte[] bytes = { 9, 8 };
		assertThat(this.serializer.serialize(bytes)).isSameAs(bytes);
		assertThat(this.serializer.deserialize("x".getBytes(StandardCharsets.UTF_8), String.class)).isEqualTo("x");
		assertThat(this.serializer.deserialize(bytes, byte[].class)).isEqualTo(bytes);
	}

	@Test
	void serialize_otherTypes_areRefused() {
		assertThatExceptionOfType(CacheSerializationException.class).isThrownBy(() -> this.serializer.serialize(42))
			.withMessageContaining("java.lang.Integer");
		assertThatExceptionOfType(CacheSerializationException.class)
			.isThrownBy(() -> this.serializer.deserialize(new byte[] { '4' }, Integer.class))
			.withMessageContaining("java.lang.Integer");
	}

}
