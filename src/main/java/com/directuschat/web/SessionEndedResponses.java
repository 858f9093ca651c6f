package com.directuschat.web;

import io.github.wimdeblauwe.htmx.spring.boot.mvc.HtmxRequestHeader;
import io.github.wimdeblauwe.htmx.spring.boot.mvc.HtmxResponseHeader;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.security.authentication.AuthenticationTrustResolver;
import org.springframework.security.authentication.AuthenticationTrustResolverImpl;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.access.AccessDeniedHandlerImpl;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.csrf.CsrfException;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.ModelAndView;

/**
 * What a page gets when its session is gone. A browser page is sent to the login form. An EventSource
 * cannot follow a redirect, so a stream gets a {@code session-ended} event; an htmx post gets the notice
 * in its error slot. Either way the page keeps what the user typed.
 */
@Component
public class SessionEndedResponses {

    private final HtmlRenderer renderer;

    SessionEndedResponses(HtmlRenderer renderer) {
        this.renderer = renderer;
    }

    /** The notice, for a page under {@code contextPath}: the same for these answers and for a stream's last event. */
    public static ModelAndView notice(String contextPath) {
        return new ModelAndView("chat/fragments :: session-ended", Map.of("loginUrl", contextPath + "/login?expired"));
    }

    AuthenticationEntryPoint entryPoint(String loginPage) {
        LoginUrlAuthenticationEntryPoint toLogin = new LoginUrlAuthenticationEntryPoint(loginPage);
        return (request, response, exception) -> {
            if (!respond(request, response, HttpServletResponse.SC_UNAUTHORIZED)) {
                toLogin.commence(request, response, exception);
            }
        };
    }

    /**
     * A CSRF failure on a page whose session has ended is the same story for the user: no session, an unknown one,
     * or a session nobody is logged in to (the page's first refused post after a restart leaves one behind, since
     * Spring saves a fresh token in a new session; the page's next post arrives in it with its old token).
     */
    AccessDeniedHandler accessDeniedHandler() {
        AccessDeniedHandlerImpl fallback = new AccessDeniedHandlerImpl();
        AuthenticationTrustResolver trust = new AuthenticationTrustResolverImpl();
        return (request, response, exception) -> {
            Authentication who = SecurityContextHolder.getContext().getAuthentication();
            boolean loggedOut = who == null || trust.isAnonymous(who) || !who.isAuthenticated();
            boolean staleSession = exception instanceof CsrfException
                    && (request.getSession(false) == null || !request.isRequestedSessionIdValid() || loggedOut);
            if (!(staleSession && respond(request, response, HttpServletResponse.SC_FORBIDDEN))) {
                fallback.handle(request, response, exception);
            }
        };
    }

    private boolean respond(HttpServletRequest request, HttpServletResponse response, int htmxStatus)
            throws IOException {
        String accept = request.getHeader("Accept");
        if (accept != null && accept.contains(MediaType.TEXT_EVENT_STREAM_VALUE)) {
            response.setStatus(HttpServletResponse.SC_OK);
            response.setContentType(MediaType.TEXT_EVENT_STREAM_VALUE);
            response.setCharacterEncoding(StandardCharsets.UTF_8.name());
            StringBuilder event = new StringBuilder("event: session-ended\n");
            fragment(request)
                    .lines()
                    .forEach(line -> event.append("data: ").append(line).append('\n'));
            response.getWriter().write(event.append('\n').toString());
            return true;
        }
        if ("true".equals(request.getHeader(HtmxRequestHeader.HX_REQUEST.getValue()))) {
            response.setStatus(htmxStatus);
            response.setContentType(MediaType.TEXT_HTML_VALUE);
            response.setCharacterEncoding(StandardCharsets.UTF_8.name());
            response.setHeader(HtmxResponseHeader.HX_RETARGET.getValue(), "#session-ended");
            response.setHeader(HtmxResponseHeader.HX_RESWAP.getValue(), "innerHTML");
            response.getWriter().write(fragment(request));
            return true;
        }
        return false;
    }

    private String fragment(HttpServletRequest request) {
        return renderer.render(notice(request.getContextPath()));
    }
}
