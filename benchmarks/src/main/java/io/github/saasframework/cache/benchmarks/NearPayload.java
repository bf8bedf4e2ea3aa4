package io.github.saasframework.cache.benchmarks;

import java.time.Instant;

/**
 * The immutable value of the near-cache benchmarks: a record of immutable components
 * (String, int, long, {@link Instant}, an enum and a nested record of Strings), about 200
 * bytes as JSON, so a near cache may hand the same decoded object to every caller. The
 * {@code version} tells the coherence harness which write a read returned.
 *
 * @param id a numeric id
 * @param name a display name
 * @param email an e-mail address
 * @param version which write this is (the coherence harness counts up)
 * @param updatedAt when it was written
 * @param tier an enum
 * @param address a nested record
 */
public record NearPayload(long id, String name, String email, int version, Instant updatedAt, Tier tier,
		Address address) {

	/**
	 * The sample value, version 0.
	 * @return a value of about 200 bytes as JSON
	 */
	public static NearPayload sample() {
		return sample(0);
	}

	/**
	 * The sample value with a given version.
	 * @param version the version
	 * @return a value of about 200 bytes as JSON
	 */
	public static NearPayload sample(int version) {
		return new NearPayload(4_200_000_042L, "Ada Lovelace", "ada@engine.example.org", version,
				Instant.ofEpochMilli(1_764_000_000_000L), Tier.GOLD, new Address("12 St James's Sq", "London", "GB"));
	}

	/** A customer tier. */
	public enum Tier {

		/** The lowest. */
		BRONZE,

		/** The middle. */
		SILVER,

		/** The highest. */
		GOLD

	}

	/**
	 * A postal address.
	 *
	 * @param street street and number
	 * @param city postcode and city
	 * @param country ISO country code
	 */
	public record Address(String street, String city, String country) {

	}

}
