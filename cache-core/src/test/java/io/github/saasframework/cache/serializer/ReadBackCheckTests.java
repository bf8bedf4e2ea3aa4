package io.github.saasframework.cache.serializer;

import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import org.junit.jupiter.api.Test;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageImpl;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Slice;
import org.springframework.data.domain.SliceImpl;
import org.springframework.data.geo.Distance;
import org.springframework.data.geo.GeoPage;
import org.springframework.data.geo.GeoResults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * {@link CacheSerializer#checkReadable} and {@link CacheSerializer#checkReadsBack}:
 * whether what is written reads back, told before anything is stored.
 */
class ReadBackCheckTests {

	private final JsonCacheSerializer json = new JsonCacheSerializer();

	record Book(String title, int year) {
	}

	interface Shape {

	}

	record Circle(double radius) implements Shape {
	}

	/** Written with {@code x}, but nothing takes {@code x} back. */
	static final class Point {

		private final int x;

		Point(int x, String ignored) {
			this.x = x;
		}

		public int getX() {
			return this.x;
		}

	}

	/** Has a no-argument constructor, but nothing sets {@code total}. */
	public static class Computed {

		private List<Integer> parts = new ArrayList<>();

		public List<Integer> getParts() {
			return this.parts;
		}

		public void setParts(List<Integer> parts) {
			this.parts = parts;
		}

		public int getTotal() {
			return this.parts.stream().mapToInt(Integer::intValue).sum();
		}

	}

	/**
	 * Written with {@code code}, which only a getter gives: the field behind it
	 * ({@code secret}) reads back from nothing.
	 */
	public static class Hidden {

		private String secret = "";

		public String getCode() {
			return this.secret;
		}

		public void setLabel(String label) {
		}

		public String getLabel() {
			return "";
		}

	}

	/** Shaped like Spring PetClinic's entities: derived getters over readable state. */
	public static class BaseEntity {

		private Integer id;

		public Integer getId() {
			return this.id;
		}

		public void setId(Integer id) {
			this.id = id;
		}

		public boolean isNew() {
			return this.id == null;
		}

	}

	public static class Vet extends BaseEntity {

		private String lastName;

		private Set<String> specialties = new java.util.HashSet<>();

		public String getLastName() {
			return this.lastName;
		}

		public void setLastName(String lastName) {
			this.lastName = lastName;
		}

		public List<String> getSpecialties() {
			return this.specialties.stream().sorted().toList();
		}

		public int getNrOfSpecialties() {
			return this.specialties.size();
		}

		public void addSpecialty(String specialty) {
			this.specialties.add(specialty);
		}

	}

	public static class Animal {

		public String name;

	}

	public static class Dog extends Animal {

		public boolean goodBoy;

	}

	record Shelter(String city, List<Shape> residents) {
	}

	@JsonTypeInfo(use = JsonTypeInfo.Id.NAME)
	@JsonSubTypes(@JsonSubTypes.Type(value = Square.class, name = "square"))
	interface Tagged {

	}

	record Square(double side) implements Tagged {
	}

	private static Type type(ParameterizedTypeReference<?> reference) {
		return reference.getType();
	}

	@Test
	void checkReadable_typesApplicationsCache_pass() {
		for (Type type : new Type[] { Book.class, type(new ParameterizedTypeReference<Page<Book>>() {
		}), type(new ParameterizedTypeReference<Slice<Book>>() {
		}), type(new ParameterizedTypeReference<Optional<Book>>() {
		}), type(new ParameterizedTypeReference<Map<String, List<Book>>>() {
		}), Instant.class, BigDecimal.class, String.class, byte[].class, Object.class, long.class, Tagged.class,
				Animal.class, Dog.class }) {
			assertThatNoException().as(type.getTypeName()).isThrownBy(() -> this.json.checkReadable(type));
		}
	}

	@Test
	void checkReadable_interface_failsNamingIt() {
		assertThatExceptionOfType(CacheSerializationException.class)
			.isThrownBy(() -> this.json.checkReadable(Shape.class))
			.withMessageContaining("Values of " + Shape.class.getTypeName() + " cannot be read back")
			.withMessageContaining("abstract");
	}

	@Test
	void checkReadable_interfaceInsideARecordOrList_failsNamingTheWayIn() {
		assertThatExceptionOfType(CacheSerializationException.class)
			.isThrownBy(() -> this.json.checkReadable(Shelter.class))
			.withMessageContaining(Shape.class.getName())
			.withMessageContaining("property 'residents' of Shelter");
		assertThatExceptionOfType(CacheSerializationException.class)
			.isThrownBy(() -> this.json.checkReadable(type(new ParameterizedTypeReference<Page<Shape>>() {
			})))
			.withMessageContaining(Shape.class.getName());
	}

	@Test
	void checkReadable_propertyWrittenButNotReadable_fails() {
		assertThatExceptionOfType(CacheSerializationException.class)
			.isThrownBy(() -> this.json.checkReadable(Point.class))
			.withMessageContaining("no constructor or factory method");
		assertThatExceptionOfType(CacheSerializationException.class)
			.isThrownBy(() -> this.json.checkReadable(Hidden.class))
			.withMessageContaining("property 'code'")
			.withMessageContaining("written but cannot be read back");
		assertThatExceptionOfType(CacheSerializationException.class)
			.isThrownBy(() -> this.json.checkReadable(type(new ParameterizedTypeReference<List<Hidden>>() {
			})))
			.withMessageContaining("property 'code'");
	}

	@Test
	void checkReadable_gettersComputedFromWhatReadsBack_pass_andTheValuesReadBack() {
		Vet vet = new Vet();
		vet.setId(3);
		vet.setLastName("Douglas");
		vet.addSpecialty("surgery");
		vet.addSpecialty("dentistry");
		Type vets = type(new ParameterizedTypeReference<java.util.Collection<Vet>>() {
		});
		assertThatNoException().isThrownBy(() -> {
			this.json.checkReadable(Computed.class);
			this.json.checkReadable(vets);
			this.json.checkReadable(type(new ParameterizedTypeReference<Page<Vet>>() {
			}));
			this.json.checkReadsBack(List.of(vet), vets);
		});
		byte[] bytes = this.json.serialize(List.of(vet));
		assertThat(new String(bytes, java.nio.charset.StandardCharsets.UTF_8)).contains("\"new\":false")
			.contains("\"nrOfSpecialties\":2");
		@SuppressWarnings("unchecked")
		List<Vet> read = (List<Vet>) this.json.deserialize(bytes, vets);
		assertThat(read).singleElement().satisfies((back) -> {
			assertThat(back.getId()).isEqualTo(3);
			assertThat(back.getLastName()).isEqualTo("Douglas");
			assertThat(back.getSpecialties()).containsExactly("dentistry", "surgery");
			assertThat(back.isNew()).isFalse();
		});
		Computed computed = new Computed();
		computed.setParts(List.of(1, 2));
		Computed back = (Computed) this.json.deserialize(this.json.serialize(computed), Computed.class);
		assertThat(back.getTotal()).isEqualTo(3);
	}

	@Test
	void checkReadable_answersAreCached() {
		Type type = type(new ParameterizedTypeReference<Page<Book>>() {
		});
		this.json.checkReadable(type);
		for (int i = 0; i < 1000; i++) {
			this.json.checkReadable(type);
			this.json.checkReadsBack(new PageImpl<>(List.of()), type);
		}
	}

	@Test
	void checkReadsBack_valuesOfTheirDeclaredType_pass() {
		assertThatNoException().isThrownBy(() -> {
			this.json.checkReadsBack(new Book("a", 1), Book.class);
			this.json.checkReadsBack(List.of(new Book("a", 1)), type(new ParameterizedTypeReference<List<Book>>() {
			}));
			this.json.checkReadsBack(new PageImpl<>(List.of(new Book("a", 1))),
					type(new ParameterizedTypeReference<Page<Book>>() {
					}));
			this.json.checkReadsBack(new PageImpl<>(List.of()), type(new ParameterizedTypeReference<Slice<Book>>() {
			}));
			this.json.checkReadsBack(new SliceImpl<>(List.of()), type(new ParameterizedTypeReference<Slice<Book>>() {
			}));
			this.json.checkReadsBack(new Square(1), Tagged.class);
			this.json.checkReadsBack(new Dog(), Dog.class);
			this.json.checkReadsBack(7, int.class);
			this.json.checkReadsBack("42", String.class);
			this.json.checkReadsBack(new HashMap<>(Map.of("a", 1)), Object.class);
			this.json.checkReadsBack(List.of(1), Object.class);
			this.json.checkReadsBack("hello", Object.class);
			this.json.checkReadsBack(42, Object.class);
			this.json.checkReadsBack(12345678901L, Object.class);
			this.json.checkReadsBack(true, Object.class);
		});
	}

	@Test
	void checkReadsBack_subclassDeclaredAsItsSuperclass_fails() {
		assertThatExceptionOfType(CacheSerializationException.class)
			.isThrownBy(() -> this.json.checkReadsBack(new Dog(), Animal.class))
			.withMessageContaining("reads back as a " + Animal.class.getName())
			.withMessageContaining("losing what makes it a Dog");
	}

	@Test
	void checkReadsBack_pageSubclass_fails() {
		GeoPage<Book> geo = new GeoPage<>(new GeoResults<>(List.of(), new Distance(1)), PageRequest.of(0, 1), 0);
		assertThatExceptionOfType(CacheSerializationException.class)
			.isThrownBy(() -> this.json.checkReadsBack(geo, type(new ParameterizedTypeReference<Page<Book>>() {
			})))
			.withMessageContaining(GeoPage.class.getName());
		assertThatExceptionOfType(CacheSerializationException.class).isThrownBy(() -> this.json
			.checkReadsBack(new SliceImpl<>(List.of()), type(new ParameterizedTypeReference<Page<Book>>() {
			})));
	}

	@Test
	void checkReadsBack_valueDeclaredAsObject_failsWhenItComesBackAsAnotherClass() {
		assertThatExceptionOfType(CacheSerializationException.class)
			.isThrownBy(() -> this.json.checkReadsBack(new Book("secret-title", 1), Object.class))
			.withMessageContaining("declare its type")
			.withMessageNotContaining("secret-title");
		assertThatExceptionOfType(CacheSerializationException.class)
			.isThrownBy(() -> this.json.checkReadsBack(42L, Object.class))
			.withMessageContaining("reads back as a java.lang.Integer");
		assertThatExceptionOfType(CacheSerializationException.class)
			.isThrownBy(() -> this.json.checkReadsBack("4242", Object.class))
			.withMessageContaining("a string whose text is JSON")
			.withMessageNotContaining("4242");
		assertThatExceptionOfType(CacheSerializationException.class)
			.isThrownBy(() -> this.json.checkReadsBack(Set.of(1), Object.class));
	}

	@Test
	void checkReadsBack_valueOfAnotherType_fails() {
		assertThatExceptionOfType(CacheSerializationException.class)
			.isThrownBy(() -> this.json.checkReadsBack(new Book("a", 1), String.class));
		assertThatExceptionOfType(CacheSerializationException.class)
			.isThrownBy(() -> this.json.checkReadsBack("a", Book.class))
			.withMessageContaining("is not a");
	}

	@Test
	void stringSerializer_readsOnlyTextAndBytes() {
		StringCacheSerializer string = new StringCacheSerializer();
		assertThatNoException().isThrownBy(() -> {
			string.checkReadable(String.class);
			string.checkReadable(Object.class);
			string.checkReadable(byte[].class);
			string.checkReadsBack("x", Object.class);
			string.checkReadsBack(new byte[0], byte[].class);
		});
		assertThatExceptionOfType(CacheSerializationException.class).isThrownBy(() -> string.checkReadable(Book.class))
			.withMessageContaining(Book.class.getTypeName());
		assertThatExceptionOfType(CacheSerializationException.class)
			.isThrownBy(() -> string.checkReadsBack(new byte[0], Object.class));
	}

	@Test
	void customSerializer_assumesItCanReadBack() {
		CacheSerializer custom = new CacheSerializer() {
			@Override
			public byte[] serialize(Object value) {
				return new byte[0];
			}

			@Override
			public Object deserialize(byte[] bytes, Type type) {
				return "";
			}
		};
		assertThatNoException().isThrownBy(() -> {
			custom.checkReadable(Shape.class);
			custom.checkReadsBack(new Dog(), Animal.class);
		});
	}

}
