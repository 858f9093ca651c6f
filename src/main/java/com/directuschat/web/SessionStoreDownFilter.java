package com.directuschat.web;

import com.directuschat.auth.SessionStoreDown;
import io.github.wimdeblauwe.htmx.spring.boot.mvc.HtmxRequestHeader;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.ModelAndView;

/**
 * Redis (the shared session store) down: a request that needs the session gets a 503 "try again shortly", never
 * a 500 and never a logout. A page gets a page; an htmx request gets the error line under the composer, which
 * keeps the typed text. Runs outside Spring Session's filter, whose reading and saving of the session fail first.
 */
class SessionStoreDownFilter extends OncePerRequestFilter {

    static final String MESSAGE = "The chat cannot reach its session store right now, so this was not done. "
            + "Try again shortly; what you typed is kept.";

    private static final Logger log = LoggerFactory.getLogger(SessionStoreDownFilter.class);

    private final HtmlRenderer renderer;

    SessionStoreDownFilter(HtmlRenderer renderer) {
        this.renderer = renderer;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        try {
            chain.doFilter(request, response);
        } catch (ServletException | RuntimeException e) {
            if (!isStoreDown(e)) {
                throw e;
            }
            log.warn(
                    "{} {}: the session store is unreachable ({})",
                    request.getMethod(),
                    request.getRequestURI(),
                    rootCause(e).toString());
            if (!response.isCommitted()) {
                respond(request, response);
            }
        }
    }

    @Override
    protected boolean shouldNotFilterAsyncDispatch() {
        return false;
    }

    private void respond(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.resetBuffer();
        response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
        response.setHeader("Retry-After", "5");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        String accept = request.getHeader("Accept");
        boolean htmx = "true".equals(request.getHeader(HtmxRequestHeader.HX_REQUEST.getValue()));
        if (htmx) {
            response.setContentType(MediaType.TEXT_HTML_VALUE);
            response.getWriter()
                    .write(renderer.render(
                            new ModelAndView("chat/fragments :: send-error", Map.of("sendError", MESSAGE))));
        } else if (accept != null && accept.contains(MediaType.TEXT_HTML_VALUE)) {
            response.setContentType(MediaType.TEXT_HTML_VALUE);
            response.getWriter()
                    .write(renderer.render(
                            new ModelAndView("chat/unavailable", Map.of("problem", MESSAGE)), request, response));
        } else {
            response.setContentType(MediaType.TEXT_PLAIN_VALUE);
            response.getWriter().write("503 Service Unavailable: " + MESSAGE + "\n");
        }
    }

    static boolean isStoreDown(Throwable error) {
        for (Throwable e = error; e != null; e = e.getCause()) {
            if (e instanceof SessionStoreDown || e instanceof DataAccessException) {
                return true;
            }
        }
        return false;
    }

    private static Throwable rootCause(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }
}
