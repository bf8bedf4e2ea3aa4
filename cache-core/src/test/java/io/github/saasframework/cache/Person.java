package io.github.saasframework.cache;

import java.util.List;

/**
 * A small JSON value for tests: about the payload size of a typical cached entity.
 */
record Person(String name, String email, int age, List<String> tags) {

	static Person of(int n) {
		return new Person("person-" + n, "person" + n + "@example.com", 20 + n, List.of("a", "b" + n));
	}

}
