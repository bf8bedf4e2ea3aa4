package io.github.saasframework.cache;

/**
 * A value that Jackson cannot write: its only property's getter throws.
 */
class Unwritable {

	public String getSecret() {
		throw new IllegalStateException("this value cannot be written");
	}

}
