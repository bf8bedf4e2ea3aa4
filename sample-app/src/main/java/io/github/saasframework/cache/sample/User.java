package io.github.saasframework.cache.sample;

/**
 * A user as the basic-cache endpoints store it: a small JSON object.
 *
 * @param id the id
 * @param name the display name
 * @param email the e-mail address
 */
record User(long id, String name, String email) {

	User {
		if (name == null || name.isBlank()) {
			throw new IllegalArgumentException("name must not be blank");
		}
		if (email == null || !email.contains("@")) {
			throw new IllegalArgumentException("email must be an e-mail address");
		}
	}

}
