package com.directuschat.auth;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.web.authentication.session.SessionAuthenticationStrategy;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.stereotype.Component;

/**
 * A login in a browser session that holds another login (someone logs in as Bob without logging out Alice) ends the
 * old one as a logout would: its HTTP session is invalidated, so {@link SessionEndHook} closes its chat session and
 * realtime socket and revokes its Directus session, on every instance. The new login gets a session of its own.
 * Runs before the session-fixation strategy, while the session still has the old login's id.
 */
@Component
public class PreviousLoginEnd implements SessionAuthenticationStrategy {

    @Override
    public void onAuthentication(
            Authentication authentication, HttpServletRequest request, HttpServletResponse response) {
        HttpSession session = request.getSession(false);
        if (session == null) {
            return;
        }
        try {
            if (session.getAttribute(HttpSessionSecurityContextRepository.SPRING_SECURITY_CONTEXT_KEY)
                            instanceof SecurityContext previous
                    && previous.getAuthentication() instanceof DirectusAuthentication) {
                session.invalidate();
            }
        } catch (IllegalStateException alreadyInvalid) {
            // Ended meanwhile by another path; the session-end hook has run.
        }
    }
}
