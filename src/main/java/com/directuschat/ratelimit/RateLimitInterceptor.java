package com.directuschat.ratelimit;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import org.springframework.http.HttpHeaders;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.AsyncHandlerInterceptor;

/**
 * Applies {@link RateLimits} to the handlers marked {@link RateLimited}, once Spring MVC has chosen the handler: so
 * every spelling of a route that reaches it counts, and nothing else is counted (no other request reads the
 * session here, so a static file needs no session store). It runs after the security chain, so a forged request
 * (no CSRF token) costs nothing. A refusal sets {@code Retry-After} and throws {@link RateLimitExceeded}.
 * <p>
 * A stream is counted in before its handler runs and out however it ends: when the handler fails or answers at once,
 * or, once it has gone asynchronous, by an {@link AsyncListener} on completion (also after a timeout or an error).
 */
final class RateLimitInterceptor implements AsyncHandlerInterceptor {

    /** Seconds a refused stream is told to wait: tabs close at their own pace. */
    static final long STREAM_RETRY_SECONDS = 30;

    private static final String OPEN_STREAM = RateLimitInterceptor.class.getName() + ".stream";

    private final RateLimits limits;

    RateLimitInterceptor(RateLimits limits) {
        this.limits = limits;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        // The dispatch that resumes a stream or an async answer is the same request: counted already.
        if (request.getDispatcherType() == DispatcherType.ASYNC
                || !(handler instanceof HandlerMethod method)
                || !method.hasMethodAnnotation(RateLimited.class)) {
            return true;
        }
        // The security chain lets no request without a login reach these handlers; a login has a session.
        HttpSession session = request.getSession(false);
        if (session == null) {
            return true;
        }
        String sessionId = session.getId();
        switch (method.getMethodAnnotation(RateLimited.class).value()) {
            case SEND -> {
                RateLimits.Verdict verdict = limits.send(sessionId);
                if (!verdict.allowed()) {
                    throw refuse(
                            response,
                            verdict.retryAfterSeconds(),
                            limits.properties().sendBurst());
                }
            }
            case STREAM -> {
                if (!limits.openStream(sessionId)) {
                    throw refuse(
                            response, STREAM_RETRY_SECONDS, limits.properties().streamsPerSession());
                }
                request.setAttribute(OPEN_STREAM, sessionId);
            }
        }
        return true;
    }

    @Override
    public void afterConcurrentHandlingStarted(
            HttpServletRequest request, HttpServletResponse response, Object handler) {
        String sessionId = takeOpenStream(request);
        if (sessionId != null) {
            request.getAsyncContext().addListener(new StreamClosed(limits, sessionId));
        }
    }

    @Override
    public void afterCompletion(
            HttpServletRequest request, HttpServletResponse response, Object handler, Exception failure) {
        String sessionId = takeOpenStream(request);
        if (sessionId != null) {
            limits.closeStream(sessionId);
        }
    }

    private static String takeOpenStream(HttpServletRequest request) {
        Object sessionId = request.getAttribute(OPEN_STREAM);
        request.removeAttribute(OPEN_STREAM);
        return sessionId instanceof String id ? id : null;
    }

    private static RateLimitExceeded refuse(HttpServletResponse response, long retryAfterSeconds, int allowed) {
        response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds));
        return new RateLimitExceeded(retryAfterSeconds, allowed);
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
