package io.github.saasframework.cache.sample;

import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Processes a task under a distributed lock; see {@link TaskService}.
 */
@RestController
class TaskController {

	private static final String TASK_ID = "[A-Za-z0-9-]{1,64}";

	private final TaskService tasks;

	TaskController(TaskService tasks) {
		this.tasks = tasks;
	}

	@PostMapping("/api/tasks/{id}/process")
	TaskService.TaskResult process(@PathVariable String id) {
		if (!id.matches(TASK_ID)) {
			throw new IllegalArgumentException("task id must be 1 to 64 letters, digits or dashes: '" + id + "'");
		}
		return this.tasks.process(id);
	}

}
