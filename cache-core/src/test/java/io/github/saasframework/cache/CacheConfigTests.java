package io.github.saasframework.cache;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Validation of {@link CacheConfig}'s key prefix (issue 24: a prefix with a space was
 * accepted while a trailing {@code :} was refused).
 */
class CacheConfigTests {

	@ParameterizedTest
	@ValueSource(strings = { "has space", " myapp", "myapp ", "my\tapp", "my\napp", "my\u00a0app", "my\u0000app",
			"my\u2003app" })
	void keyPrefix_withWhitespaceOrControlCharacter_isRefusedNamingIt(String prefix) {
		assertThatIllegalArgumentException().isThrownBy(() -> CacheConfig.builder().keyPrefix(prefix))
			.withMessageStartingWith("keyPrefix must not contain whitespace or control characters: '");
	}

	@Test
	void keyPrefix_withControlCharacter_isQuotedEscaped() {
		assertThatIllegalArgumentException().isThrownBy(() -> CacheConfig.builder().keyPrefix("a\nb"))
			.withMessage("keyPrefix must not contain whitespace or control characters: 'a\\nb'");
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "myapp", "myapp:v2", "tenant-1_ü", "{tag}" })
	void keyPrefix_withoutSpace_isAccepted(String prefix) {
		assertThat(CacheConfig.builder().keyPrefix(prefix).build().keyPrefix()).isEqualTo(prefix);
	}

	@Test
	void commandTimeout_isTheFactorysByDefault_andNeverNegative() {
		assertThat(CacheConfig.defaults().commandTimeout()).isZero();
		assertThat(CacheConfig.builder()
			.commandTimeout(Duration.ofMillis(250))
			.build()
			.toBuilder()
			.build()
			.commandTimeout()).isEqualTo(Duration.ofMillis(250));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> CacheConfig.builder().commandTimeout(Duration.ofSeconds(-1)))
			.withMessage("commandTimeout must not be negative: PT-1S");
	}

}
