package io.github.saasframework.cache.interceptor;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;

import org.springframework.boot.convert.DurationStyle;

/**
 * An {@code app.cache.*} property or a cache annotation attribute that the library cannot
 * use, found at startup. the starter's failure analyzer turns it into Spring Boot's
 * "APPLICATION FAILED TO START" report, naming what was set, the value and the valid
 * forms.
 *
 * @since 0.3.0
 */
public final class InvalidCacheConfigurationException extends IllegalStateException {

	private static final long serialVersionUID = 1L;

	private final String subject;

	private final String value;

	private final String reason;

	private final String validForms;

	private InvalidCacheConfigurationException(String message, String subject, String value, String reason,
			String validForms, Throwable cause) {
		super(message, cause);
		this.subject = subject;
		this.value = value;
		this.reason = reason;
		this.validForms = validForms;
	}

	/**
	 * An invalid {@code app.cache.*} property.
	 * @param property the property
	 * @param value the value set
	 * @param reason why it cannot be used
	 * @param validForms what would be valid
	 * @param cause the core's refusal
	 * @return the exception
	 */
	public static InvalidCacheConfigurationException property(String property, Object value, String reason,
			String validForms, Throwable cause) {
		String text = String.valueOf(value);
		return new InvalidCacheConfigurationException(
				"Invalid value '" + text + "' for property '" + property + "': " + reason,
				"property '" + property + "'", text, reason, validForms, cause);
	}

	/** An invalid attribute of a cache annotation on a method. */
	static InvalidCacheConfigurationException annotation(String annotation, String attribute, String method,
			String value, String reason, String validForms, Throwable cause) {
		return new InvalidCacheConfigurationException(
				"Invalid " + annotation + "(" + attribute + " = \"" + value + "\") on " + method + ": " + reason,
				"attribute '" + attribute + "' of " + annotation + " on " + method, value, reason, validForms, cause);
	}

	/**
	 * Part of the report.
	 * @return the subject
	 */
	public String subject() {
		return this.subject;
	}

	/**
	 * Part of the report.
	 * @return the value
	 */
	public String value() {
		return this.value;
	}

	/**
	 * Part of the report.
	 * @return the reason
	 */
	public String reason() {
		return this.reason;
	}

	/**
	 * Part of the report.
	 * @return the validForms
	 */
	public String validForms() {
		return this.validForms;
	}

	private static final List<ChronoUnit> SIMPLE_UNITS = List.of(ChronoUnit.DAYS, ChronoUnit.HOURS, ChronoUnit.MINUTES,
			ChronoUnit.SECONDS, ChronoUnit.MILLIS, ChronoUnit.MICROS);

	/**
	 * A duration as a user writes it in properties and annotations, in Boot's simple
	 * style ({@code -5s}, {@code 1500ms}, {@code 0s}), not {@code PT-5S}.
	 * @param duration the duration
	 * @return its text
	 */
	public static String display(Duration duration) {
		if (duration.isZero()) {
			return "0s";
		}
		try {
			for (ChronoUnit unit : SIMPLE_UNITS) {
				if (isMultipleOf(duration, unit)) {
					return DurationStyle.SIMPLE.print(duration, unit);
				}
			}
			return DurationStyle.SIMPLE.print(duration, ChronoUnit.NANOS);
		}
		catch (ArithmeticException ex) {
			// beyond what a long counts in the unit (Cache.NO_EXPIRY, say)
			return duration.toString();
		}
	}

	private static boolean isMultipleOf(Duration duration, ChronoUnit unit) {
		Duration step = unit.getDuration();
		if (step.getNano() == 0) {
			return duration.getNano() == 0 && duration.getSeconds() % step.getSeconds() == 0;
		}
		// below a second: the nanosecond part decides (whole seconds are multiples)
		return duration.getNano() % step.getNano() == 0;
	}

}
