package io.github.saasframework.cache.sample;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses request bodies over {@code sample.max-body-size} (16 KB by default) with a 400
 * problem detail before anything reads them: nothing that large belongs in this cache.
 */
@Component
class RequestSizeLimitFilter extends OncePerRequestFilter {

	private final long maxBytes;

	RequestSizeLimitFilter(@Value("${sample.max-body-size:16KB}") DataSize maxBodySize) {
		this.maxBytes = maxBodySize.toBytes();
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		long length = request.getContentLengthLong();
		boolean chunked = "chunked".equalsIgnoreCase(request.getHeader("Transfer-Encoding"));
		if (length > this.maxBytes || chunked) {
			response.setStatus(HttpStatus.BAD_REQUEST.value());
			response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
			String detail = chunked ? "Request bodies must declare a Content-Length"
					: "Request body of " + length + " bytes is over the limit of " + this.maxBytes + " bytes";
			response.getWriter()
				.write("{\"type\":\"about:blank\",\"title\":\"Bad request\",\"status\":400,\"detail\":\"" + detail
						+ "\",\"instance\":\"" + request.getRequestURI().replace("\"", "") + "\"}");
			return;
		}
		chain.doFilter(request, response);
	}

}
