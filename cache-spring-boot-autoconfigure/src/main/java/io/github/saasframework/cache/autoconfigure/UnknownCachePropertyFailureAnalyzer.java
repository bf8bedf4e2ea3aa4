package io.github.saasframework.cache.autoconfigure;

import java.beans.PropertyDescriptor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.BeanUtils;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.DataObjectPropertyName;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.Order;

/**
 * Reports an {@code app.cache.*} property that {@link RedisCacheProperties} does not know
 * (a misspelt key would otherwise be ignored and its default used): the property, its
 * value and origin, and the closest known property name.
 * <p>
 * The check itself is Spring Boot's: {@link RedisCacheProperties} is bound with
 * {@code ignoreUnknownFields = false}, so Boot's {@code NoUnboundElementsBindHandler}
 * fails the binding with an {@link UnboundConfigurationPropertiesException} for every
 * name under {@code app.cache} that was not bound, relaxed forms included, and the keys
 * of {@code app.cache.caches.<name>} (any name, but only its known sub-keys). As in Boot,
 * environment variables and system properties are not checked (Boot's
 * {@code UnboundElementsSourceFilter}). Boot's own analyzer of that exception names no
 * known property; this one runs before it, for {@code app.cache} only.
 * <p>
 * The known names are read from the properties class by the JavaBean rules Boot binds it
 * with, not from the generated metadata, which does not describe the values of
 * {@code app.cache.caches}.
 */
@Order(0)
final class UnknownCachePropertyFailureAnalyzer
		extends AbstractFailureAnalyzer<UnboundConfigurationPropertiesException> {

	private static final ConfigurationPropertyName PREFIX = ConfigurationPropertyName.of("app.cache");

	/** Marks the element of a map key (the name of a Spring cache) in a known name. */
	private static final String ANY = "*";

	@Override
	protected @Nullable FailureAnalysis analyze(Throwable rootFailure, UnboundConfigurationPropertiesException cause) {
		BindException bind = findCause(rootFailure, BindException.class);
		if (bind == null || !PREFIX.equals(bind.getName())) {
			return null;
		}
		Class<?> type = bind.getTarget().getType().resolve(RedisCacheProperties.class);
		List<List<String>> known = knownNames(type);
		StringBuilder description = new StringBuilder("The Redis cache has no such app.cache.* propert")
			.append((cause.getUnboundProperties().size() == 1) ? "y" : "ies")
			.append(":\n");
		StringBuilder action = new StringBuilder();
		for (ConfigurationProperty property : cause.getUnboundProperties()) {
			String closest = closest(property.getName(), known);
			description.append(String.format("%n    Property: %s%n    Value: \"%s\"%n    Origin: %s%n",
					property.getName(), property.getValue(), property.getOrigin()));
			if (isKnown(property.getName(), known)) {
				// Boot counts a value that converts to nothing (an empty one) as unbound
				description
					.append(String.format("    Reason: the property is known, but its value binds to nothing%n"));
				action.append(String.format("Give %s a value, or remove it.%n", property.getName()));
			}
			else {
				description.append(String.format("    Did you mean: %s%n", closest));
				action.append(String.format("Replace %s with %s, or remove it.%n", property.getName(), closest));
			}
		}
		action.append("The known properties are the app.cache entries of META-INF/spring-configuration-metadata.json"
				+ " (what IDEs complete) and the Configuration table of the README; with app.cache.enabled=false"
				+ " nothing under app.cache is read.");
		return new FailureAnalysis(description.toString().stripTrailing(), action.toString(), cause);
	}

	/**
	 * The known property that is the fewest edits away from {@code unknown} (compared in
	 * Boot's uniform form, so relaxed spellings count as what they bind to), with the
	 * user's cache name in place of {@code <name>} of {@code app.cache.caches.<name>}.
	 */
	static String closest(ConfigurationPropertyName unknown, List<List<String>> known) {
		String target = uniform(unknown);
		String best = "";
		int bestDistance = Integer.MAX_VALUE;
		for (List<String> candidate : known) {
			List<String> elements = new ArrayList<>(candidate.size());
			for (int i = 0; i < candidate.size(); i++) {
				String element = candidate.get(i);
				if (ANY.equals(element)) {
					element = (i < unknown.getNumberOfElements()) ? unknown.getElement(i, Form.ORIGINAL) : "<name>";
				}
				elements.add(element);
			}
			int distance = distance(target, uniform(elements));
			if (elements.size() > unknown.getNumberOfElements()) {
				// the unknown names a group (app.cache.lock=5s): its first property
				distance = Math.min(distance,
						distance(target, uniform(elements.subList(0, unknown.getNumberOfElements()))));
			}
			if (distance < bestDistance) {
				bestDistance = distance;
				best = String.join(".", elements);
			}
		}
		return best;
	}

	private static boolean isKnown(ConfigurationPropertyName name, List<List<String>> known) {
		String target = uniform(name);
		for (List<String> candidate : known) {
			if (candidate.size() == name.getNumberOfElements()) {
				List<String> elements = new ArrayList<>(candidate);
				for (int i = 0; i < elements.size(); i++) {
					if (ANY.equals(elements.get(i))) {
						elements.set(i, name.getElement(i, Form.UNIFORM));
					}
				}
				if (uniform(elements).equals(target)) {
					return true;
				}
			}
		}
		return false;
	}

	/**
	 * Every property name {@code type} binds under {@code app.cache}, as dashed elements;
	 * {@value #ANY} stands for a map key.
	 */
	static List<List<String>> knownNames(Class<?> type) {
		List<List<String>> names = new ArrayList<>();
		collect(List.of("app", "cache"), type, names);
		return names;
	}

	private static void collect(List<String> prefix, Class<?> type, List<List<String>> names) {
		for (PropertyDescriptor descriptor : BeanUtils.getPropertyDescriptors(type)) {
			if (descriptor.getReadMethod() == null || "class".equals(descriptor.getName())) {
				continue;
			}
			List<String> name = new ArrayList<>(prefix);
			name.add(DataObjectPropertyName.toDashedForm(descriptor.getName()));
			Class<?> propertyType = descriptor.getPropertyType();
			if (Map.class.isAssignableFrom(propertyType)) {
				// app.cache.caches.<name>.*: any name, the value type's properties
				Class<?> valueType = ResolvableType.forMethodReturnType(descriptor.getReadMethod())
					.asMap()
					.getGeneric(1)
					.resolve(Object.class);
				name.add(ANY);
				collect(name, valueType, names);
			}
			else if (descriptor.getWriteMethod() != null) {
				names.add(name);
			}
			else if (propertyType.getPackage() == type.getPackage()) {
				// a nested group held in a final field (app.cache.lock.*)
				collect(name, propertyType, names);
			}
		}
	}

	private static String uniform(ConfigurationPropertyName name) {
		StringBuilder uniform = new StringBuilder();
		for (int i = 0; i < name.getNumberOfElements(); i++) {
			uniform.append((i > 0) ? "." : "").append(name.getElement(i, Form.UNIFORM));
		}
		return uniform.toString();
	}

	private static String uniform(List<String> dashed) {
		return String.join(".", dashed).replace("-", "").toLowerCase(Locale.ROOT);
	}

	/**
	 * Edit distance with adjacent transpositions (optimal string alignment), so that
	 * {@code defualt} is one edit from {@code default}.
	 */
	static int distance(String a, String b) {
		int[][] d = new int[a.length() + 1][b.length() + 1];
		for (int i = 0; i <= a.length(); i++) {
			d[i][0] = i;
		}
		for (int j = 0; j <= b.length(); j++) {
			d[0][j] = j;
		}
		for (int i = 1; i <= a.length(); i++) {
			for (int j = 1; j <= b.length(); j++) {
				int cost = (a.charAt(i - 1) == b.charAt(j - 1)) ? 0 : 1;
				d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
				if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
					d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
				}
			}
		}
		return d[a.length()][b.length()];
	}

}
