package io.github.saasframework.cache.sample;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.saasframework.cache.Cache;
import io.github.saasframework.cache.annotation.WithLock;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;

/**
 * The Go package's "distributed task coordination" example: a task is processed once, by
 * whichever instance gets its lock; a concurrent request does not wait
 * ({@code waitTime = "0s"}) and gets a 409 instead.
 */
@Service
class TaskService {

	private final Cache cache;

	private final Duration duration;

	private final AtomicInteger runs = new AtomicInteger();

	TaskService(Cache cache, @Value("${sample.task-duration:2s}") Duration duration) {
		this.cache = cache;
		this.duration = duration;
	}

	@WithLock(key = "'lock:task:' + #id", ttl = "30s", waitTime = "0s")
	TaskResult process(String id) {
		Optional<TaskResult> done = this.cache.get("task:" + id, TaskResult.class);
		if (done.isPresent()) {
			return new TaskResult(id, "already-completed", done.get().completedAt(), done.get().run());
		}
		int run = this.runs.incrementAndGet();
		ProductService.sleep(this.duration);
		TaskResult result = new TaskResult(id, "completed", Instant.now().toString(), run);
		this.cache.set("task:" + id, result, Duration.ofHours(1));
		return result;
	}

	int runs() {
		return this.runs.get();
	}

	record TaskResult(String id, String status, String completedAt, int run) {
	}

}
