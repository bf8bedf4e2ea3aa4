package io.github.saasframework.cache.sample;

import io.github.saasframework.cache.lock.LockNotAcquiredException;

import org.jspecify.annotations.Nullable;

import org.springframework.core.NestedExceptionUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Turns failures into RFC 9457 problem details: bad input is a 400 (Spring MVC's own
 * errors, such as a non-numeric id or an unreadable body, come through the base class), a
 * lock held by another request is a 409. Never a stack trace.
 */
@RestControllerAdvice
class ApiExceptionHandler extends ResponseEntityExceptionHandler {

	@ExceptionHandler(IllegalArgumentException.class)
	ProblemDetail badRequest(IllegalArgumentException ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, ex.getMessage());
		problem.setTitle("Bad request");
		return problem;
	}

	@Override
	protected @Nullable ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		// a body that parses but breaks a rule of the domain (a blank name, say): say
		// which
		// rule, not just "Failed to read request"
		Throwable cause = NestedExceptionUtils.getMostSpecificCause(ex);
		if (cause instanceof IllegalArgumentException) {
			ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, cause.getMessage());
			problem.setTitle("Bad request");
			return handleExceptionInternal(ex, problem, headers, HttpStatus.BAD_REQUEST, request);
		}
		return super.handleHttpMessageNotReadable(ex, headers, status, request);
	}

	@ExceptionHandler(LockNotAcquiredException.class)
	ProblemDetail busy(LockNotAcquiredException ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT,
				"Another request is processing this task right now; try again when it has finished");
		problem.setTitle("Task is being processed");
		return problem;
	}

}
