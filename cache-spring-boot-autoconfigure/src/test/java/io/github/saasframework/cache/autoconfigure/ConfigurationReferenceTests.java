package io.github.saasframework.cache.autoconfigure;

import java.beans.PropertyDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.BeanUtils;
import org.springframework.beans.BeanWrapperImpl;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The configuration reference, {@code docs/configuration.md}, cannot drift from the
 * configuration metadata the build writes
 * ({@code META-INF/spring-configuration-metadata.json}, what IDEs show): every
 * {@code app.cache.*} property is a row of its table, with the metadata's default and
 * description, no row names a property that does not exist, and every default in the
 * metadata is the one the properties class really binds (issue 24).
 */
class ConfigurationReferenceTests {

	private static final String METADATA = "META-INF/spring-configuration-metadata.json";

	private static final Pattern ROW = Pattern
		.compile("^\\| `([a-z][a-z0-9.<>-]*)` \\| (.*?) \\| (.*?) \\| (.*?) \\|$");

	private static final Pattern MAP_TYPE = Pattern.compile("^java\\.util\\.Map<java\\.lang\\.String,\\s*(.+)>$");

	@Test
	void everyPropertyOfTheMetadataIsDocumentedWithItsDefaultAndDescription() throws IOException {
		Map<String, Row> rows = documentedRows();
		List<String> problems = new ArrayList<>();
		for (JsonNode property : ownProperties()) {
			String name = property.path("name").asString();
			String type = property.path("type").asString();
			Matcher map = MAP_TYPE.matcher(type);
			if (map.matches()) {
				for (String key : mapKeys(name, map.group(1))) {
					if (!rows.containsKey(key)) {
						problems.add("missing row for " + key);
					}
				}
				continue;
			}
			Row row = rows.get(name);
			String expected = "| `" + name + "` | " + defaultCell(property) + " | "
					+ property.path("description").asString() + " | ... |";
			if (row == null) {
				problems.add("missing row for " + name + ", expected " + expected);
				continue;
			}
			if (!row.defaultValue().equals(defaultCell(property))) {
				problems.add(name + ": documented default " + row.defaultValue() + ", metadata says "
						+ defaultCell(property));
			}
			if (!row.description().equals(property.path("description").asString())) {
				problems.add(name + ": documented description differs from the metadata's, expected " + expected);
			}
		}
		assertThat(problems).as("docs/configuration.md against %s", METADATA).isEmpty();
	}

	@Test
	void everyDocumentedPropertyExists() throws IOException {
		List<String> known = new ArrayList<>();
		for (JsonNode property : ownProperties()) {
			String name = property.path("name").asString();
			Matcher map = MAP_TYPE.matcher(property.path("type").asString());
			known.addAll(map.matches() ? mapKeys(name, map.group(1)) : List.of(name));
		}
		assertThat(documentedRows().keySet()).as("properties documented in docs/configuration.md").isSubsetOf(known);
	}

	@Test
	void everyDefaultInTheMetadataIsTheOneThePropertiesBind() throws IOException {
		RedisCacheProperties defaults = new RedisCacheProperties();
		BeanWrapperImpl actual = new BeanWrapperImpl(defaults);
		for (JsonNode property : ownProperties()) {
			String name = property.path("name").asString();
			if (!name.startsWith("app.cache.") || !property.has("defaultValue")) {
				continue;
			}
			String path = beanPath(name.substring("app.cache.".length()));
			Class<?> type = actual.getPropertyType(path);
			assertThat(type).as("type of %s", name).isNotNull();
			Binder binder = new Binder(
					new MapConfigurationPropertySource(Map.of(name, property.path("defaultValue").asString())));
			Object bound = binder
				.bind(ConfigurationPropertyName.of(name), Bindable.of(ClassUtils.resolvePrimitiveIfNecessary(type)))
				.get();
			assertThat(bound).as("metadata default of %s", name).isEqualTo(actual.getPropertyValue(path));
		}
	}

	/**
	 * The keys of a map property: {@code <map>.<name>.<property>} for each property of
	 * its values.
	 */
	private static List<String> mapKeys(String name, String valueType) {
		try {
			Class<?> type = ClassUtils.forName(valueType.replace(".RedisCacheProperties.", ".RedisCacheProperties$"),
					ConfigurationReferenceTests.class.getClassLoader());
			List<String> keys = new ArrayList<>();
			for (PropertyDescriptor descriptor : BeanUtils.getPropertyDescriptors(type)) {
				if (descriptor.getWriteMethod() != null) {
					keys.add(name + ".<name>." + kebab(descriptor.getName()));
				}
			}
			return keys;
		}
		catch (ClassNotFoundException ex) {
			throw new IllegalStateException("metadata names an unknown type " + valueType, ex);
		}
	}

	private static String kebab(String camel) {
		return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
	}

	private static String beanPath(String key) {
		StringBuilder path = new StringBuilder();
		for (String part : key.split("\\.")) {
			if (!path.isEmpty()) {
				path.append('.');
			}
			String[] words = part.split("-");
			path.append(words[0]);
			for (int i = 1; i < words.length; i++) {
				path.append(Character.toUpperCase(words[i].charAt(0))).append(words[i].substring(1));
			}
		}
		return path.toString();
	}

	/**
	 * The default as the table shows it: in backticks, {@code ""} for empty, a dash for
	 * none.
	 */
	private static String defaultCell(JsonNode property) {
		if (!property.has("defaultValue")) {
			return "—";
		}
		String value = property.path("defaultValue").asString();
		return "`" + (value.isEmpty() ? "\"\"" : value) + "`";
	}

	/** This module's properties: the metadata file next to the properties class. */
	private static List<JsonNode> ownProperties() throws IOException {
		String location = RedisCacheProperties.class.getProtectionDomain().getCodeSource().getLocation().toString();
		for (URL url : Collections.list(ConfigurationReferenceTests.class.getClassLoader().getResources(METADATA))) {
			if (url.toString().startsWith(location)) {
				try (InputStream in = url.openStream()) {
					List<JsonNode> properties = new ArrayList<>();
					JsonMapper.builder().build().readTree(in).path("properties").forEach(properties::add);
					assertThat(properties).as("properties in %s", url).isNotEmpty();
					return properties;
				}
			}
		}
		throw new IllegalStateException("No " + METADATA + " under " + location);
	}

	private static Map<String, Row> documentedRows() throws IOException {
		Map<String, Row> rows = new LinkedHashMap<>();
		for (String line : Files.readAllLines(docsPage("configuration.md"), StandardCharsets.UTF_8)) {
			Matcher row = ROW.matcher(line);
			if (row.matches() && (row.group(1).startsWith("app.cache.") || row.group(1).startsWith("management."))) {
				assertThat(rows.put(row.group(1), new Row(row.group(2), row.group(3))))
					.as("second row for %s", row.group(1))
					.isNull();
			}
		}
		assertThat(rows).as("rows of docs/configuration.md").isNotEmpty();
		return rows;
	}

	static Path docsPage(String name) {
		Path dir = Path.of("").toAbsolutePath();
		while (dir != null) {
			Path page = dir.resolve("docs").resolve(name);
			if (Files.isRegularFile(page)) {
				return page;
			}
			dir = dir.getParent();
		}
		throw new IllegalStateException("docs/" + name + " not found above " + Path.of("").toAbsolutePath());
	}

	private record Row(String defaultValue, String description) {
	}

}
