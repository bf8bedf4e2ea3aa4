package io.github.saasframework.cache.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The mutable value of the near-cache benchmarks: a JavaBean with a {@link List} and a
 * {@link Map} field, about 200 bytes as JSON. A near cache must not hand one instance to
 * two callers (one could change what the other reads), so it decodes it again per hit.
 */
public class MutablePayload {

	private long id;

	private String name = "";

	private int version;

	private List<String> roles = new ArrayList<>();

	private Map<String, String> attributes = new LinkedHashMap<>();

	/**
	 * The sample value.
	 * @return a value of about 200 bytes as JSON
	 */
	public static MutablePayload sample() {
		MutablePayload payload = new MutablePayload();
		payload.setId(4_200_000_042L);
		payload.setName("Ada King, Countess of Lovelace");
		payload.setVersion(7);
		payload.setRoles(new ArrayList<>(List.of("admin", "analyst", "engine-operator")));
		Map<String, String> attributes = new LinkedHashMap<>();
		attributes.put("email", "ada.lovelace@engine.example.org");
		attributes.put("city", "London");
		attributes.put("locale", "en-GB");
		payload.setAttributes(attributes);
		return payload;
	}

	public long getId() {
		return this.id;
	}

	public void setId(long id) {
		this.id = id;
	}

	public String getName() {
		return this.name;
	}

	public void setName(String name) {
		this.name = name;
	}

	public int getVersion() {
		return this.version;
	}

	public void setVersion(int version) {
		this.version = version;
	}

	public List<String> getRoles() {
		return this.roles;
	}

	public void setRoles(List<String> roles) {
		this.roles = roles;
	}

	public Map<String, String> getAttributes() {
		return this.attributes;
	}

	public void setAttributes(Map<String, String> attributes) {
		this.attributes = attributes;
	}

	@Override
	public boolean equals(Object other) {
		return (other instanceof MutablePayload that) && this.id == that.id && this.version == that.version
				&& this.name.equals(that.name) && this.roles.equals(that.roles)
				&& this.attributes.equals(that.attributes);
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.id, this.name, this.version, this.roles, this.attributes);
	}

	@Override
	public String toString() {
		return "MutablePayload[id=" + this.id + ", version=" + this.version + "]";
	}

}
