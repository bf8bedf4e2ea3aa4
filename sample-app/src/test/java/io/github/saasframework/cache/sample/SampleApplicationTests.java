package io.github.saasframework.cache.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.github.saasframework.cache.Cache;
import io.github.saasframework.cache.test.AutoConfigureTestRedis;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Drives every endpoint of the sample over HTTP against a real {@code redis-server} (the
 * one {@link AutoConfigureTestRedis} starts for this context, never port 6379) and checks
 * what lands in Redis, so that nothing the README shows is unwired. The sample's own
 * embedded fallback is off: the test's server is the only Redis it talks to.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = { "sample.embedded-redis.enabled=false",
		// the sample's 500ms suit a laptop; a loaded CI machine needs more to connect
		"spring.data.redis.timeout=5s", "spring.data.redis.connect-timeout=5s", "sample.slow-lookup-delay=50ms",
		"sample.task-duration=800ms", "sample.rate-limit.requests=3", "sample.rate-limit.window=1m",
		"app.cache.ttl-jitter=0" })
@AutoConfigureTestRedis
class SampleApplicationTests {

	private static final JsonMapper json = JsonMapper.builder().build();

	private final HttpClient http = HttpClient.newHttpClient();

	@Autowired
	private StringRedisTemplate redis;

	@LocalServerPort
	private int port;

	@Autowired
	private Cache cache;

	@Autowired
	private ProductService products;

	@Autowired
	private WeatherService weather;

	@Autowired
	private BookCatalog catalog;

	@Autowired
	private TaskService tasks;

	/**
	 * The sample's connect timeout is 500 ms: on a loaded machine the application's first
	 * connection can miss it, and the first test would then see a fail-open answer
	 * instead of the behaviour it checks. Connect before any test, within a bound.
	 */
	@BeforeEach
	void connected() {
		Awaitility.await()
			.atMost(Duration.ofSeconds(20))
			.ignoreExceptions()
			.until(() -> this.cache.exists("connected") >= 0);
	}

	@AfterEach
	void cleanUp() {
		this.cache.flushPrefix();
	}

	// ---------------------------------------------------------------- basic cache

	@Test
	void basicCacheSetsGetsAndDeletesAJsonObjectWithItsTtl() {
		Response put = send("PUT", "/api/users/42", "application/json",
				"{\"name\":\"Ada Lovelace\",\"email\":\"ada@example.com\"}");
		assertThat(put.status()).isEqualTo(200);
		assertThat(put.json().path("ttlSeconds").asLong()).isBetween(590L, 600L);
		assertThat(redisString("sample:user:42"))
			.isEqualTo("{\"id\":42,\"name\":\"Ada Lovelace\",\"email\":\"ada@example.com\"}");

		Response get = send("GET", "/api/users/42");
		assertThat(get.status()).isEqualTo(200);
		assertThat(get.json().path("user").path("name").asString()).isEqualTo("Ada Lovelace");
		assertThat(get.json().path("key").asString()).isEqualTo("sample:user:42");

		assertThat(send("DELETE", "/api/users/42").json().path("deleted").asBoolean()).isTrue();
		assertThat(send("GET", "/api/users/42").status()).isEqualTo(404);
		assertThat(this.redis.hasKey("sample:user:42")).isFalse();
	}

	// ---------------------------------------------------------------- @Cacheable

	@Test
	void cacheableBooksAreLookedUpOnce_storedAsPlainJson_withTheTtlFromApplicationYml() {
		int before = this.catalog.lookups();
		assertThat(send("GET", "/api/books/7").json().path("value").path("title").asString()).isEqualTo("Book 7");
		Response cached = send("GET", "/api/books/7");
		assertThat(cached.json().path("value").path("author").asString()).isEqualTo("Author 0");
		assertThat(this.catalog.lookups() - before).isEqualTo(1);
		assertThat(redisString("sample:books:7")).isEqualTo("{\"id\":7,\"title\":\"Book 7\",\"author\":\"Author 0\"}");
		assertThat(this.cache.getTtl("books:7"))
			.hasValueSatisfying((ttl) -> assertThat(ttl).isGreaterThan(Duration.ofSeconds(100))
				.isLessThanOrEqualTo(Duration.ofMinutes(2)));

		assertThat(send("PUT", "/api/books/7?title=Renamed").status()).isEqualTo(200);
		assertThat(send("GET", "/api/books/7").json().path("value").path("title").asString()).isEqualTo("Renamed");
		assertThat(this.cache.withPrefix("books").get("7", BookCatalog.Book.class))
			.hasValueSatisfying((book) -> assertThat(book.title()).isEqualTo("Renamed"));

		this.cache.set("not-a-book", "kept");
		assertThat(send("DELETE", "/api/books").status()).isEqualTo(200);
		assertThat(this.redis.hasKey("sample:books:7")).isFalse();
		assertThat(this.cache.get("not-a-book", String.class)).contains("kept");
		assertThat(this.catalog.lookups() - before).isEqualTo(1);
	}

	@Test
	void theBooksCacheShowsInActuatorsCachesEndpoint() {
		Response caches = send("GET", "/actuator/caches");
		assertThat(caches.status()).isEqualTo(200);
		assertThat(caches.json().path("cacheManagers").path("cacheManager").path("caches").has("books")).isTrue();
	}

	@Test
	void basicCacheHonoursAnExplicitTtlAndRefusesANegativeOneKeepingTheOldValue() {
		send("PUT", "/api/users/7?ttlSeconds=90", "application/json", "{\"name\":\"Bo\",\"email\":\"bo@x.io\"}");
		assertThat(this.cache.getTtl("user:7"))
			.hasValueSatisfying((ttl) -> assertThat(ttl).isLessThanOrEqualTo(Duration.ofSeconds(90)));
		Response bad = send("PUT", "/api/users/7?ttlSeconds=-5", "application/json",
				"{\"name\":\"Changed\",\"email\":\"c@x.io\"}");
		assertThat(bad.status()).isEqualTo(400);
		assertThat(bad.json().path("detail").asString()).contains("ttl must not be negative");
		assertThat(redisString("sample:user:7")).contains("\"name\":\"Bo\"");
	}

	@Test
	void batchOperationsSetGetAndDeleteManyUsersInOneCall() {
		Response put = send("PUT", "/api/users?ttlSeconds=300", "application/json",
				"[{\"id\":1,\"name\":\"Ada\",\"email\":\"ada@x.io\"},{\"id\":2,\"name\":\"Bo\",\"email\":\"bo@x.io\"}]");
		assertThat(put.status()).isEqualTo(200);
		assertThat(put.json().path("stored").asInt()).isEqualTo(2);
		assertThat(redisString("sample:user:2")).isEqualTo("{\"id\":2,\"name\":\"Bo\",\"email\":\"bo@x.io\"}");
		assertThat(this.cache.getTtl("user:1"))
			.hasValueSatisfying((ttl) -> assertThat(ttl).isLessThanOrEqualTo(Duration.ofSeconds(300)));

		Response get = send("GET", "/api/users?ids=1,2,3");
		assertThat(get.status()).isEqualTo(200);
		List<String> names = new ArrayList<>();
		get.json().path("users").forEach((user) -> names.add(user.path("name").asString()));
		assertThat(names).containsExactly("Ada", "Bo");
		assertThat(get.json().path("missing").get(0).asLong()).isEqualTo(3);

		assertThat(send("DELETE", "/api/users?ids=1,2,3").json().path("deleted").asLong()).isEqualTo(2);
		assertThat(this.redis.hasKey("sample:user:1")).isFalse();
	}

	@Test
	void batchSetWithOneInvalidUserStoresNone() {
		Response bad = send("PUT", "/api/users", "application/json",
				"[{\"id\":1,\"name\":\"Ada\",\"email\":\"ada@x.io\"},{\"id\":2,\"name\":\"\",\"email\":\"bo@x.io\"}]");
		assertThat(bad.status()).isEqualTo(400);
		assertThat(bad.json().path("detail").asString()).isEqualTo("name must not be blank");
		assertThat(this.redis.hasKey("sample:user:1")).isFalse();
		assertBadRequest(send("GET", "/api/users?ids=1,x"));
		assertBadRequest(send("PUT", "/api/users", "application/json", "[]"));
	}

	// ---------------------------------------------------------------- remember

	@Test
	void rememberAnnotationLoadsOnceAndForgetEvicts() {
		int before = this.products.lookups();
		Response first = send("GET", "/api/products/7");
		Response second = send("GET", "/api/products/7");
		assertThat(first.json().path("value")).isEqualTo(second.json().path("value"));
		assertThat(this.products.lookups() - before).isEqualTo(1);
		assertThat(this.cache.getTtl("product:7"))
			.hasValueSatisfying((ttl) -> assertThat(ttl).isLessThanOrEqualTo(Duration.ofMinutes(5)));

		assertThat(send("PUT", "/api/products/7?name=Renamed").status()).isEqualTo(200);
		assertThat(this.redis.hasKey("sample:product:7")).isFalse();
	}

	@Test
	void rememberRefreshesAStaleProductInTheBackground() {
		send("GET", "/api/products/8");
		int before = this.products.lookups();
		// 30 s of 5 min left: the entry looks 4.5 minutes old
		assertThat(this.cache.expire("product:8", Duration.ofSeconds(30))).isTrue();
		Response stale = send("GET", "/api/products/8");
		assertThat(stale.status()).isEqualTo(200);
		assertThat(stale.json().path("value").path("id").asLong()).isEqualTo(8);
		Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(this.cache.getTtl("product:8"))
				.hasValueSatisfying((ttl) -> assertThat(ttl).isGreaterThan(Duration.ofMinutes(4))));
		assertThat(this.products.lookups() - before).isEqualTo(1);
	}

	@Test
	void rememberProgrammaticCachesTheUpstreamAnswer() {
		int before = this.weather.upstreamCalls();
		send("GET", "/api/weather/Lisbon");
		Response cached = send("GET", "/api/weather/lisbon");
		assertThat(cached.json().path("value").path("city").asString()).isEqualTo("lisbon");
		assertThat(this.weather.upstreamCalls() - before).isEqualTo(1);
		assertThat(this.redis.hasKey("sample:weather:lisbon")).isTrue();
	}

	// ---------------------------------------------------------------- lock

	@Test
	void taskIsProcessedOnceUnderTheLock_andAConcurrentRequestGets409() throws Exception {
		int before = this.tasks.runs();
		CompletableFuture<Response> first = CompletableFuture.supplyAsync(() -> send("POST", "/api/tasks/t-1/process"));
		Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> this.redis.hasKey("sample:lock:task:t-1"));
		Response concurrent = send("POST", "/api/tasks/t-1/process");
		assertThat(concurrent.status()).isEqualTo(409);
		assertThat(concurrent.contentType()).contains("application/problem+json");
		assertThat(concurrent.json().path("title").asString()).isEqualTo("Task is being processed");

		assertThat(first.get().status()).isEqualTo(200);
		assertThat(first.get().json().path("status").asString()).isEqualTo("completed");
		Response again = send("POST", "/api/tasks/t-1/process");
		assertThat(again.json().path("status").asString()).isEqualTo("already-completed");
		assertThat(this.tasks.runs() - before).isEqualTo(1);
		assertThat(this.redis.hasKey("sample:lock:task:t-1")).as("the lock is released").isFalse();
	}

	// ---------------------------------------------------------------- rate limit

	@Test
	void rateLimitAllowsNRequestsPerWindowThenAnswers429WithRetryAfter() {
		for (int i = 0; i < 3; i++) {
			assertThat(sendWithHeader("GET", "/api/limited", "X-Client-Id", "alice").status()).isEqualTo(200);
		}
		Response limited = sendWithHeader("GET", "/api/limited", "X-Client-Id", "alice");
		assertThat(limited.status()).isEqualTo(429);
		assertThat(Long.parseLong(limited.header("Retry-After"))).isBetween(1L, 60L);
		assertThat(limited.json().path("title").asString()).isEqualTo("Too many requests");
		assertThat(sendWithHeader("GET", "/api/limited", "X-Client-Id", "bob").status()).isEqualTo(200);
		assertThat(this.cache.getTtl("ratelimit:alice")).as("the window always has a TTL")
			.hasValueSatisfying((ttl) -> assertThat(ttl).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(1)));
		assertThat(redisString("sample:ratelimit:alice")).isEqualTo("4");
	}

	// ---------------------------------------------------------------- tenants

	@Test
	void tenantsAreIsolatedAndOneTenantsFlushKeepsTheOthers() {
		send("PUT", "/api/tenants/acme/settings/theme", "text/plain", "dark");
		send("PUT", "/api/tenants/globex/settings/theme", "text/plain", "light");
		assertThat(redisString("sample:tenant:acme:setting:theme")).isEqualTo("dark");
		assertThat(send("GET", "/api/tenants/acme/keys").json().path("keys").get(0).asString())
			.isEqualTo("setting:theme");

		assertThat(send("DELETE", "/api/tenants/acme").json().path("removed").asLong()).isEqualTo(1);
		assertThat(send("GET", "/api/tenants/acme/settings/theme").status()).isEqualTo(404);
		assertThat(send("GET", "/api/tenants/globex/settings/theme").json().path("value").asString())
			.isEqualTo("light");
		assertThat(redisString("sample:tenant:globex:setting:theme")).isEqualTo("light");
	}

	// ---------------------------------------------------------------- counters, keys,
	// sessions

	@Test
	void countersAreAtomicRedisIntegers() {
		send("POST", "/api/counters/page-views/increment?by=10");
		Response afterDecrement = send("POST", "/api/counters/page-views/decrement?by=3");
		assertThat(afterDecrement.body()).as("fields in a stable order, as the README shows them")
			.isEqualTo("{\"counter\":\"page-views\",\"value\":7}");
		assertThat(send("POST", "/api/counters/score/add?amount=2.5").json().path("value").asDouble()).isEqualTo(2.5);
		assertThat(redisString("sample:counter:page-views")).isEqualTo("7");
		assertThat(send("GET", "/api/counters/page-views").json().path("value").asString()).isEqualTo("7");
	}

	@Test
	void keysAreListedAndDeletedByPattern() {
		this.cache.set("temp:1", "a");
		this.cache.set("temp:2", "b");
		this.cache.set("keep", "c");
		JsonNode keys = send("GET", "/api/keys?pattern=temp:*").json().path("keys");
		assertThat(keys.size()).isEqualTo(2);
		assertThat(keys.get(0).asString()).isEqualTo("temp:1");
		assertThat(send("DELETE", "/api/keys?pattern=temp:*").json().path("deleted").asLong()).isEqualTo(2);
		assertThat(this.redis.hasKey("sample:temp:1")).isFalse();
		assertThat(this.redis.hasKey("sample:keep")).isTrue();
	}

	@Test
	void sessionsLiveADayAndAreTouchedOnRead() {
		Response created = send("POST", "/api/sessions?user=ada");
		String id = created.json().path("sessionId").asString();
		this.cache.expire("session:" + id, Duration.ofMinutes(1));
		Response read = send("GET", "/api/sessions/" + id);
		assertThat(read.json().path("session").path("user").asString()).isEqualTo("ada");
		assertThat(read.json().path("ttlSeconds").asLong()).isGreaterThan(Duration.ofHours(23).toSeconds());
	}

	// ---------------------------------------------------------------- bad requests

	@Test
	void badRequestsGetA400ProblemDetailAndNeverAStackTrace() {
		assertBadRequest(send("GET", "/api/users/abc"));
		assertBadRequest(send("GET", "/api/products/not-a-number"));
		assertBadRequest(send("GET", "/api/tenants/ACME!/keys"));
		assertBadRequest(send("GET", "/api/weather/" + "x".repeat(60)));
		assertBadRequest(send("PUT", "/api/users/1", "application/json", "{\"name\":\"\",\"email\":\"x\"}"));
		assertBadRequest(send("PUT", "/api/users/1", "application/json", "{not json"));
		assertBadRequest(send("PUT", "/api/tenants/acme/settings/big", "text/plain", "a".repeat(20_000)));
		assertBadRequest(send("GET", "/api/sessions/not-a-uuid"));
		assertThat(this.redis.hasKey("sample:user:1")).isFalse();
		assertThat(this.redis.hasKey("sample:tenant:acme:setting:big")).isFalse();
	}

	private static void assertBadRequest(Response response) {
		assertThat(response.status()).as(response.body()).isEqualTo(400);
		assertThat(response.contentType()).contains("application/problem+json");
		assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("trace");
	}

	// ---------------------------------------------------------------- actuator

	@Test
	void healthShowsTheCacheComponentAndMetricsShowTheCacheMeters() {
		JsonNode health = send("GET", "/actuator/health").json();
		assertThat(health.path("components").path("appcache").path("status").asString()).isEqualTo("UP");
		assertThat(health.path("components").path("appcache").path("details").path("keyPrefix").asString())
			.isEqualTo("sample");
		send("GET", "/api/products/99");
		send("GET", "/api/products/99");
		JsonNode gets = send("GET", "/actuator/metrics/cache.gets?tag=cache:sample&tag=result:hit").json();
		assertThat(gets.path("measurements").get(0).path("value").asDouble()).isGreaterThanOrEqualTo(1.0);
		assertThat(send("GET", "/actuator/metrics/cache.puts").status()).isEqualTo(200);
		assertThat(send("GET", "/actuator/metrics/cache.loads").status()).isEqualTo(200);
		assertThat(send("GET", "/actuator/metrics/cache.fail.open").status()).as("registered before any fail-open")
			.isEqualTo(200);
	}

	// ---------------------------------------------------------------- helpers

	private String redisString(String key) {
		return this.redis.opsForValue().get(key);
	}

	private Response send(String method, String path) {
		return send(method, path, null, null, null, null);
	}

	private Response sendWithHeader(String method, String path, String headerName, String headerValue) {
		return send(method, path, null, null, headerName, headerValue);
	}

	private Response send(String method, String path, String contentType, String body) {
		return send(method, path, contentType, body, null, null);
	}

	private Response send(String method, String path, String contentType, String body, String headerName,
			String headerValue) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path))
			.timeout(Duration.ofSeconds(30))
			.method(method,
					(body != null) ? HttpRequest.BodyPublishers.ofString(body) : HttpRequest.BodyPublishers.noBody());
		if (contentType != null) {
			request.header("Content-Type", contentType);
		}
		if (headerName != null) {
			request.header(headerName, headerValue);
		}
		try {
			HttpResponse<String> response = this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
			return new Response(response.statusCode(), response.body(), response.headers());
		}
		catch (Exception ex) {
			throw new IllegalStateException(method + " " + path + " failed", ex);
		}
	}

	record Response(int status, String body, HttpHeaders headers) {

		JsonNode json() {
			return json.readTree(this.body);
		}

		String header(String name) {
			return this.headers.firstValue(name).orElse(null);
		}

		String contentType() {
			return this.headers.firstValue("Content-Type").orElse("");
		}

	}

}
