package io.github.saasframework.cache.sample;

import java.util.List;

import io.github.saasframework.cache.Cache;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The Go package's multi-tenant example: each tenant's keys live under
 * {@code withPrefix("tenant:" + id)}, and flushing one tenant leaves the others alone.
 */
@RestController
@RequestMapping("/api/tenants/{tenant}")
class TenantController {

	private static final String TENANT_ID = "[a-z0-9][a-z0-9-]{0,31}";

	private static final String SETTING = "[A-Za-z0-9._-]{1,64}";

	private final Cache cache;

	TenantController(Cache cache) {
		this.cache = cache;
	}

	@PutMapping(path = "/settings/{name}", consumes = MediaType.TEXT_PLAIN_VALUE)
	Setting put(@PathVariable String tenant, @PathVariable String name, @RequestBody String value) {
		Cache tenantCache = tenantCache(tenant);
		tenantCache.set("setting:" + checkSetting(name), value);
		return new Setting(tenant, tenantCache.prefix() + ":setting:" + name, value);
	}

	@GetMapping("/settings/{name}")
	ResponseEntity<SettingValue> get(@PathVariable String tenant, @PathVariable String name) {
		return tenantCache(tenant).get("setting:" + checkSetting(name), String.class)
			.map((value) -> ResponseEntity.ok(new SettingValue(tenant, value)))
			.orElseGet(() -> ResponseEntity.notFound().build());
	}

	@GetMapping("/keys")
	TenantKeys keys(@PathVariable String tenant) {
		return new TenantKeys(tenant, tenantCache(tenant).keys("*"));
	}

	@DeleteMapping
	TenantFlushed flush(@PathVariable String tenant) {
		return new TenantFlushed(tenant, tenantCache(tenant).flushPrefix());
	}

	private Cache tenantCache(String tenant) {
		if (!tenant.matches(TENANT_ID)) {
			throw new IllegalArgumentException(
					"tenant id must be 1 to 32 lowercase letters, digits or dashes, starting with a letter or digit: '"
							+ tenant + "'");
		}
		return this.cache.withPrefix("tenant:" + tenant);
	}

	private static String checkSetting(String name) {
		if (!name.matches(SETTING)) {
			throw new IllegalArgumentException("setting name must be 1 to 64 letters, digits, '.', '_' or '-'");
		}
		return name;
	}

	// response bodies; records keep the JSON fields in this order

	record Setting(String tenant, String key, String value) {
	}

	record SettingValue(String tenant, String value) {
	}

	record TenantKeys(String tenant, List<String> keys) {
	}

	record TenantFlushed(String tenant, long removed) {
	}

}
