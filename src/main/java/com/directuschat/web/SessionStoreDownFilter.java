package com.directuschat.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;
import org.thymeleaf.ITemplateEngine;
import org.thymeleaf.context.Context;
import org.thymeleaf.context.WebContext;
import org.thymeleaf.web.servlet.JakartaServletWebApplication;

import com.directuschat.auth.SessionStoreDown;

import io.github.wimdeblauwe.htmx.spring.boot.mvc.HtmxRequestHeader;

/**
 * Redis (the shared session store) down: a request that needs the session gets a 503 "try again shortly", never
 * a 500 and never a logout. A page gets a page; an htmx request gets the error line under the composer, which
 * keeps the typed text. Runs outside Spring Session's filter, whose reading and saving of the session fail first.
 */
class SessionStoreDownFilter extends OncePerRequestFilter {

    static final String MESSAGE = "The chat cannot reach its session store right now, so this was not done. "
            + "Try again shortly; what you typed is kept.";

    private static final Logger log = LoggerFactory.getLogger(SessionStoreDownFilter.class);

    private final ITemplateEngine templates;

    SessionStoreDownFilter(ITemplateEngine templates) {
        this.templates = templates;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        try {
            chain.doFilter(request, response);
        }
        catch (ServletException | RuntimeException e) {
            if (!isStoreDown(e)) {
                throw e;
            }
            log.warn("{} {}: the session store is unreachable ({})", request.getMethod(), request.getRequestURI(),
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
            Context context = new Context();
            context.setVariable("sendError", MESSAGE);
            response.setContentType(MediaType.TEXT_HTML_VALUE);
            response.getWriter().write(templates.process("chat/fragments", Set.of("send-error"), context));
        }
        else if (accept != null && accept.contains(MediaType.TEXT_HTML_VALUE)) {
            WebContext context = new WebContext(JakartaServletWebApplication.buildApplication(request.getServletContext())
                    .buildExchange(request, response));
            context.setVariable("problem", MESSAGE);
            response.setContentType(MediaType.TEXT_HTML_VALUE);
            response.getWriter().write(templates.process("chat/unavailable", context));
        }
        else {
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
