package io.github.saasframework.cache.benchmarks;

/**
 * The value every benchmark reads and writes: a JSON object of five fields, about 200
 * bytes as JSON.
 *
 * @param id a numeric id
 * @param name a display name
 * @param email an e-mail address
 * @param address a postal address
 * @param createdAt a timestamp in epoch milliseconds
 */
public record Payload(long id, String name, String email, String address, long createdAt) {

	/**
	 * The sample value.
	 * @return a payload of about 200 bytes as JSON
	 */
	public static Payload sample() {
		return new Payload(4_200_000_042L, "Ada King, Countess of Lovelace",
				"ada.lovelace@analytical-engine.example.org", "12 St James's Square, London SW1Y 4JH, United Kingdom",
				1_764_000_000_000L);
	}

}
