package com.directuschat.ratelimit;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Applies {@link RateLimits} to {@code POST /login}, sends ({@code POST /messages}, {@code POST /rooms/x/messages})
 * and streams ({@code GET /messages/stream}, {@code GET /rooms/x/stream}).
 * A refused login or send is forwarded to {@link RateLimitedController}, which renders the login page or
 * the send form with the message (Spring MVC renders them with the CSRF field); a refused stream gets
 * plain text. Every refusal is a 429 with {@code Retry-After}.
 */
final class RateLimitFilter extends OncePerRequestFilter {

    private static final java.util.regex.Pattern SEND = java.util.regex.Pattern.compile("/(rooms/[^/]+/)?messages");
    private static final java.util.regex.Pattern STREAM =
            java.util.regex.Pattern.compile("/messages/stream|/rooms/[^/]+/stream");

    static final String REFUSAL = RateLimitFilter.class.getName() + ".refusal";

    private final RateLimits limits;

    RateLimitFilter(RateLimits limits) {
        this.limits = limits;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        String method = request.getMethod();
        if ("POST".equals(method) && "/login".equals(path)) {
            RateLimits.Verdict verdict = limits.login(request.getRemoteAddr(), request.getParameter("email"));
            if (!verdict.allowed()) {
                refuse(request, response, RateLimitedController.Kind.LOGIN, verdict);
                return;
            }
        }
        boolean send = "POST".equals(method) && SEND.matcher(path).matches();
        boolean stream = "GET".equals(method) && STREAM.matcher(path).matches();
        // Only sends and streams are counted per session: anything else (static files above all) must not read the
        // session, so that it needs no session store (a page served while Redis is down still gets its styles).
        HttpSession session = send || stream ? request.getSession(false) : null;
        if (session == null) {
            // Not logged in: the security chain sends it to the login page; nothing to count.
            chain.doFilter(request, response);
            return;
        }
        if (send) {
            RateLimits.Verdict verdict = limits.send(session.getId());
            if (!verdict.allowed()) {
                refuse(request, response, RateLimitedController.Kind.SEND, verdict);
                return;
            }
        }
        if (stream) {
            stream(session.getId(), request, response, chain);
            return;
        }
        chain.doFilter(request, response);
    }

    private void stream(String sessionId, HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!limits.openStream(sessionId)) {
            response.setStatus(HttpStatus.TOO_MANY_REQUESTS.value());
            response.setHeader(HttpHeaders.RETRY_AFTER, "30");
            response.setContentType(MediaType.TEXT_PLAIN_VALUE);
            response.setCharacterEncoding(StandardCharsets.UTF_8.name());
            response.getWriter()
                    .write("Too many open chat tabs: at most "
                            + limits.properties().streamsPerSession() + " per login. Close some and reload.\n");
            return;
        }
        boolean async = false;
        try {
            chain.doFilter(request, response);
            if (request.isAsyncStarted()) {
                request.getAsyncContext().addListener(new StreamClosed(limits, sessionId));
                async = true;
            }
        } finally {
            if (!async) {
                limits.closeStream(sessionId);
            }
        }
    }

    private static void refuse(
            HttpServletRequest request,
            HttpServletResponse response,
            RateLimitedController.Kind kind,
            RateLimits.Verdict verdict)
            throws ServletException, IOException {
        response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(verdict.retryAfterSeconds()));
        request.setAttribute(REFUSAL, new RateLimitedController.Refusal(kind, verdict.retryAfterSeconds()));
        request.getRequestDispatcher(RateLimitedController.PATH).forward(request, response);
    }

    /** Counts the stream out however it ends. */
    private record StreamClosed(RateLimits limits, String sessionId) implements AsyncListener {

        @Override
        public void onComplete(AsyncEvent event) {
            limits.closeStream(sessionId);
        }

        @Override
        public void onTimeout(AsyncEvent event) {}

        @Override
        public void onError(AsyncEvent event) {}

        @Override
        public void onStartAsync(AsyncEvent event) {
            event.getAsyncContext().addListener(this);
        }
    }
}
