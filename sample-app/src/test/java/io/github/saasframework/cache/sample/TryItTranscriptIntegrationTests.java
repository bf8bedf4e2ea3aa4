package io.github.saasframework.cache.sample;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.saasframework.cache.test.AutoConfigureTestRedis;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the README's "Try it" transcript against the sample, in its order, on a fresh
 * application context and a fresh {@code redis-server} (as the README's run was, right
 * after starting the sample), and compares what each command prints with the documented
 * output, so that the transcript cannot go stale (issue 24). Only what differs from run
 * to run is not compared: durations ({@code tookMillis}), remaining TTLs, timestamps,
 * ids, the Redis version and the {@code Retry-After} seconds; they must still be there,
 * with the same JSON type. The sample runs with the settings the README documents (its
 * {@code application.yml}), only on the test's own server with longer connection
 * timeouts.
 * <p>
 * The commands are read from the README and interpreted here (the subset of {@code curl}
 * and shell they use): a command this test does not understand fails it, so a new line in
 * the transcript is run too, or the test says why not.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "sample.embedded-redis.enabled=false", "spring.data.redis.timeout=5s",
				"spring.data.redis.connect-timeout=5s" })
@AutoConfigureTestRedis
class TryItTranscriptIntegrationTests {

	/**
	 * Fields whose values differ between runs; compared by presence and JSON type only.
	 */
	private static final Set<String> VOLATILE_FIELDS = Set.of("tookMillis", "ttlSeconds", "completedAt", "sessionId",
			"createdAt", "version");

	private static final Pattern CONCURRENT = Pattern.compile("^(curl .+?) & sleep ([0-9.]+); (curl .+?); echo; wait$");

	private static final Pattern LOOP = Pattern.compile("^for i in ([0-9 ]+); do (curl .+?); done$");

	private static final Pattern STDIN_BODY = Pattern
		.compile("^head -c ([0-9]+) /dev/zero \\| tr '\\\\0' ([a-z]) \\| (curl .+)$");

	private static final Pattern GREP = Pattern.compile("^(curl .+?) \\| grep -E '([^']+)'$");

	private static final JsonMapper json = JsonMapper.builder().build();

	private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	@LocalServerPort
	private int port;

	@Test
	void everyCommandOfTheReadmeTranscriptPrintsWhatTheReadmeShows() throws Exception {
		List<Step> steps = transcript();
		assertThat(steps).as("commands of the README's Try it transcript").hasSizeGreaterThan(30);
		List<String> problems = new ArrayList<>();
		for (Step step : steps) {
			List<String> actual = run(step.command());
			if (actual.size() != step.output().size()) {
				problems.add(step.command() + "\n    printed " + actual + "\n    README  " + step.output());
				continue;
			}
			for (int i = 0; i < actual.size(); i++) {
				String difference = compare(step.output().get(i), actual.get(i));
				if (difference != null) {
					problems.add(step.command() + "\n    printed " + actual.get(i) + "\n    README  "
							+ step.output().get(i) + "\n    (" + difference + ")");
				}
			}
		}
		assertThat(problems).as("README Try it lines that the sample no longer prints").isEmpty();
	}

	// ---------------------------------------------------------------- the transcript

	record Step(String command, List<String> output) {
	}

	/**
	 * The README's Try it console block: {@code $ } commands, each followed by its
	 * output.
	 */
	static List<Step> transcript() throws IOException {
		List<String> lines = Files.readAllLines(readme(), StandardCharsets.UTF_8);
		int section = lines.indexOf("## Try it");
		assertThat(section).as("the README's '## Try it' section").isNotNegative();
		int start = lines.subList(section, lines.size()).indexOf("```console") + section;
		assertThat(start).as("a console block in Try it").isGreaterThan(section);
		List<Step> steps = new ArrayList<>();
		for (String line : lines.subList(start + 1, lines.size())) {
			if (line.equals("```")) {
				return steps;
			}
			if (line.startsWith("$ ")) {
				steps.add(new Step(line.substring(2), new ArrayList<>()));
			}
			else if (!line.isBlank() && !line.startsWith("# ")) {
				assertThat(steps).as("output before the first command: %s", line).isNotEmpty();
				steps.get(steps.size() - 1).output().add(line);
			}
		}
		throw new IllegalStateException("The Try it console block of the README does not end");
	}

	private static Path readme() {
		Path dir = Path.of("").toAbsolutePath();
		while (dir != null) {
			if (Files.isRegularFile(dir.resolve("README.md")) && Files.isDirectory(dir.resolve("sample-app"))) {
				return dir.resolve("README.md");
			}
			dir = dir.getParent();
		}
		throw new IllegalStateException("README.md not found above " + Path.of("").toAbsolutePath());
	}

	// ---------------------------------------------------------------- running a command

	/** What the command prints, line by line, as the transcript shows it. */
	private List<String> run(String command) throws Exception {
		Matcher concurrent = CONCURRENT.matcher(command);
		if (concurrent.matches()) {
			Curl first = Curl.parse(concurrent.group(1), null);
			CompletableFuture<String> background = CompletableFuture.supplyAsync(() -> curl(first));
			Thread.sleep(Math.round(Double.parseDouble(concurrent.group(2)) * 1000));
			String foreground = curl(Curl.parse(concurrent.group(3), null));
			return List.of(foreground, background.get(30, TimeUnit.SECONDS));
		}
		Matcher loop = LOOP.matcher(command);
		if (loop.matches()) {
			StringBuilder printed = new StringBuilder();
			Curl curl = Curl.parse(loop.group(2), null);
			for (String ignored : loop.group(1).trim().split(" +")) {
				printed.append(curl(curl));
			}
			return lines(printed.toString());
		}
		Matcher stdin = STDIN_BODY.matcher(command);
		if (stdin.matches()) {
			String body = stdin.group(2).repeat(Integer.parseInt(stdin.group(1)));
			return lines(curl(Curl.parse(stdin.group(3), body)));
		}
		Matcher grep = GREP.matcher(command);
		if (grep.matches()) {
			Pattern filter = Pattern.compile(grep.group(2));
			return lines(curl(Curl.parse(grep.group(1), null))).stream()
				.filter((line) -> filter.matcher(line).find())
				.toList();
		}
		if (command.startsWith("curl ")) {
			return lines(curl(Curl.parse(command, null)));
		}
		throw new IllegalStateException("The README's Try it has a command this test cannot run: " + command);
	}

	private String curl(Curl curl) {
		URI uri = URI.create("http://" + curl.url().replace("localhost:8080", "localhost:" + this.port));
		HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30));
		curl.headers().forEach(request::header);
		request.method(curl.method(), (curl.body() != null) ? HttpRequest.BodyPublishers.ofString(curl.body())
				: HttpRequest.BodyPublishers.noBody());
		HttpResponse<String> response;
		try {
			response = this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new IllegalStateException(curl + " failed", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(curl + " interrupted", ex);
		}
		StringBuilder printed = new StringBuilder();
		if (curl.include()) {
			printed.append("HTTP/1.1 ").append(response.statusCode()).append('\n');
			response.headers()
				.map()
				.forEach((name, values) -> values
					.forEach((value) -> printed.append(canonical(name)).append(": ").append(value).append('\n')));
			printed.append('\n');
		}
		if (curl.writeOut() != null) {
			printed.append(curl.writeOut().replace("%{http_code}", Integer.toString(response.statusCode())));
		}
		else {
			printed.append(response.body());
		}
		return printed.toString();
	}

	/** A header name as Tomcat sends it and curl prints it: {@code Retry-After}. */
	private static String canonical(String name) {
		StringBuilder canonical = new StringBuilder();
		for (String part : name.split("-")) {
			if (!canonical.isEmpty()) {
				canonical.append('-');
			}
			canonical.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
		}
		return canonical.toString();
	}

	private static List<String> lines(String printed) {
		List<String> lines = new ArrayList<>(List.of(printed.split("\n")));
		lines.removeIf(String::isBlank);
		return lines;
	}

	/** The options of {@code curl} that the transcript uses, and nothing else. */
	record Curl(String method, String url, Map<String, String> headers, String body, boolean include, String writeOut) {

		static Curl parse(String command, String stdin) {
			Iterator<String> words = shellWords(command).iterator();
			assertThat(words.next()).isEqualTo("curl");
			String method = null;
			String url = null;
			Map<String, String> headers = new LinkedHashMap<>();
			String body = null;
			boolean include = false;
			String writeOut = null;
			while (words.hasNext()) {
				String word = words.next();
				switch (word) {
					case "-s" -> {
					}
					case "-i" -> include = true;
					case "-X" -> method = words.next();
					case "-H" -> {
						String[] header = words.next().split(": ", 2);
						headers.put(header[0], header[1]);
					}
					case "-d" -> body = words.next();
					case "--data-binary" -> {
						String data = words.next();
						body = data.equals("@-") ? stdin : data;
					}
					case "-o" -> assertThat(words.next()).as("curl -o in the README").isEqualTo("/dev/null");
					case "-w" -> writeOut = words.next();
					default -> {
						if (word.startsWith("-") || url != null) {
							throw new IllegalStateException(
									"curl option this test cannot run: " + word + " in " + command);
						}
						url = word;
					}
				}
			}
			assertThat(url).as("URL of %s", command).isNotNull();
			if (body != null && !headers.containsKey("Content-Type")) {
				headers.put("Content-Type", "application/x-www-form-urlencoded");
			}
			return new Curl((method != null) ? method : (body != null) ? "POST" : "GET", url, headers, body, include,
					writeOut);
		}

		private static List<String> shellWords(String command) {
			List<String> words = new ArrayList<>();
			StringBuilder word = null;
			char quote = 0;
			for (char c : command.toCharArray()) {
				if (quote != 0) {
					if (c == quote) {
						quote = 0;
					}
					else {
						word.append(c);
					}
				}
				else if (c == '\'' || c == '"') {
					quote = c;
					word = (word != null) ? word : new StringBuilder();
				}
				else if (c == ' ') {
					if (word != null) {
						words.add(word.toString());
						word = null;
					}
				}
				else {
					word = (word != null) ? word : new StringBuilder();
					word.append(c);
				}
			}
			assertThat(quote == 0).as("balanced quotes in %s", command).isTrue();
			if (word != null) {
				words.add(word.toString());
			}
			return words;
		}

	}

	// ---------------------------------------------------------------- comparing

	/**
	 * Compares one printed line with the README's; {@code null} when they agree. JSON is
	 * compared as JSON (volatile fields by type only, tag values as sets); a README line
	 * with {@code " ... "} leaves parts out, and then only what it shows is compared.
	 */
	static String compare(String documented, String printed) {
		if (documented.startsWith("{") || documented.startsWith("[")) {
			boolean partial = documented.contains(" ... ");
			String shown = documented.replace(", ... ,", ",").replace(", ...}", "}").replace("{... ,", "{");
			JsonNode expected;
			JsonNode actual;
			try {
				expected = json.readTree(shown);
				actual = json.readTree(printed);
			}
			catch (RuntimeException ex) {
				return "not JSON: " + ex.getMessage();
			}
			return compare("$", expected, actual, partial);
		}
		String masked = printed.strip().replaceAll("^Retry-After: [0-9]+$", "Retry-After: <seconds>");
		String expected = documented.strip().replaceAll("^Retry-After: [0-9]+$", "Retry-After: <seconds>");
		return masked.equals(expected) ? null : "text differs";
	}

	private static String compare(String path, JsonNode expected, JsonNode actual, boolean partial) {
		if (expected instanceof ObjectNode object) {
			if (!(actual instanceof ObjectNode)) {
				return path + " is not an object";
			}
			Set<String> names = new TreeSet<>(object.propertyNames());
			if (!partial && !names.equals(new TreeSet<>(actual.propertyNames()))) {
				return path + " has fields " + new TreeSet<>(actual.propertyNames()) + ", README " + names;
			}
			for (String name : names) {
				JsonNode value = actual.get(name);
				if (value == null) {
					return path + "." + name + " missing";
				}
				if (VOLATILE_FIELDS.contains(name)) {
					if (value.getNodeType() != object.get(name).getNodeType()) {
						return path + "." + name + " is a " + value.getNodeType();
					}
					continue;
				}
				String difference = compare(path + "." + name, object.get(name), value, partial);
				if (difference != null) {
					return difference;
				}
			}
			return null;
		}
		if (expected instanceof ArrayNode array) {
			if (!(actual instanceof ArrayNode actualArray) || actualArray.size() != array.size()) {
				return path + " has other elements";
			}
			if (path.endsWith(".values")) {
				// tag values: Micrometer lists them in no particular order
				return new TreeSet<>(array.valueStream().map(JsonNode::toString).toList())
					.equals(new TreeSet<>(actualArray.valueStream().map(JsonNode::toString).toList())) ? null
							: path + " has other values";
			}
			for (int i = 0; i < array.size(); i++) {
				String difference = compare(path + "[" + i + "]", array.get(i), actualArray.get(i), partial);
				if (difference != null) {
					return difference;
				}
			}
			return null;
		}
		return expected.equals(actual) ? null : path + " is " + actual;
	}

}
