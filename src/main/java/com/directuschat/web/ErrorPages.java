package com.directuschat.web;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.webmvc.error.ErrorAttributes;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.ModelAndView;

/**
 * Every error as a short page (browsers) or one line of text (htmx, event streams, scripts): a fixed
 * message per status, or the reason of our own {@link ResponseStatusException}s, which are written for
 * users. Never an exception's message or stack trace, which could carry input, internals or secrets.
 */
@Controller
class ErrorPages implements ErrorController {

    private static final Logger log = LoggerFactory.getLogger(ErrorPages.class);

    private static final Map<Integer, String> MESSAGES = Map.ofEntries(
            Map.entry(400, "The request was malformed, so the chat could not read it."),
            Map.entry(401, "Please log in."),
            Map.entry(403, "This request was refused. If the page was open for a long time, reload it and try again."),
            Map.entry(404, "There is nothing here."),
            Map.entry(405, "This address does not accept that kind of request."),
            Map.entry(406, "The chat cannot answer in a format this request accepts."),
            Map.entry(413, "The request is too large."),
            Map.entry(415, "The chat does not accept this content type."),
            Map.entry(429, "Too many requests. Wait a moment and try again."));

    private final ErrorAttributes errors;

    ErrorPages(ErrorAttributes errors) {
        this.errors = errors;
    }

    @RequestMapping("${server.error.path:/error}")
    ModelAndView error(HttpServletRequest request, HttpServletResponse response) throws IOException {
        HttpStatus status = status(request);
        String message = message(request, status);
        if (status.is5xxServerError()) {
            log.warn(
                    "{} {} failed with {}",
                    request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI),
                    request.getMethod(),
                    status.value());
        }
        response.setStatus(status.value());
        String accept = request.getHeader("Accept");
        boolean htmx = "true".equals(request.getHeader("HX-Request"));
        if (!htmx && accept != null && accept.contains(MediaType.TEXT_HTML_VALUE) && !response.isCommitted()) {
            ModelAndView page = new ModelAndView("error");
            page.setStatus(status);
            page.addObject("title", status.value() + " " + status.getReasonPhrase());
            page.addObject("message", message);
            return page;
        }
        if (!response.isCommitted()) {
            // Written directly: content negotiation would fail for text/event-stream and the like.
            response.setContentType(MediaType.TEXT_PLAIN_VALUE);
            response.setCharacterEncoding(StandardCharsets.UTF_8.name());
            response.getWriter().write(status.value() + " " + status.getReasonPhrase() + ": " + message + "\n");
        }
        return null;
    }

    /** The error's status; a request for the error path itself, which carries no error, finds nothing here. */
    private static HttpStatus status(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        if (code == null && request.getDispatcherType() != DispatcherType.ERROR) {
            return HttpStatus.NOT_FOUND;
        }
        HttpStatus status = code instanceof Integer value ? HttpStatus.resolve(value) : null;
        return status == null ? HttpStatus.INTERNAL_SERVER_ERROR : status;
    }

    private String message(HttpServletRequest request, HttpStatus status) {
        Throwable error = errors.getError(new ServletWebRequest(request));
        if (error instanceof ResponseStatusException e && e.getReason() != null) {
            return e.getReason();
        }
        if (status.is5xxServerError()) {
            return "Something went wrong on our side. Please try again.";
        }
        return MESSAGES.getOrDefault(status.value(), "The request could not be handled.");
    }
}
