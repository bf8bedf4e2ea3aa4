package io.github.saasframework.cache.testsupport;

import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.data.redis.serializer.RedisSerializer;

/**
 * Raw access for tests: a template with string keys and byte values, to look at exactly
 * what the cache stored, bypassing the cache.
 */
public final class RedisTemplates {

	private RedisTemplates() {
	}

	/**
	 * A template with string keys and raw byte values on a connection factory.
	 * @param factory the connection factory
	 * @return the initialised template
	 */
	public static RedisTemplate<String, byte[]> bytes(RedisConnectionFactory factory) {
		RedisTemplate<String, byte[]> template = new RedisTemplate<>();
		template.setConnectionFactory(factory);
		template.setKeySerializer(RedisSerializer.string());
		template.setValueSerializer(RedisSerializer.byteArray());
		template.afterPropertiesSet();
		return template;
	}

}
