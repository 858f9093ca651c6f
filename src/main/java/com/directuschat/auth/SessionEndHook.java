package com.directuschat.auth;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.web.session.HttpSessionDestroyedEvent;
import org.springframework.stereotype.Component;

/**
 * The one place where a session's end is handled, whatever ended it: {@link LoginEnded} goes out, so listeners close
 * what they hold (realtime session, SSE streams), then the Directus refresh token is revoked.
 * <p>
 * Our own shutdown is no session end: the drain ({@code ChatSessions}) closes sockets and streams without this hook,
 * and Tomcat expires its in-memory sessions only when it is destroyed, after the application's beans, when no event
 * reaches here any more ({@code GracefulShutdownIT} checks that the refresh token still works after a close).
 */
@Component
class SessionEndHook {

    private static final Logger log = LoggerFactory.getLogger(SessionEndHook.class);

    private final ApplicationEventPublisher events;
    private final Logins logins;

    SessionEndHook(ApplicationEventPublisher events, Logins logins) {
        this.events = events;
        this.logins = logins;
    }

    @EventListener
    void sessionDestroyed(HttpSessionDestroyedEvent event) {
        String sessionId = event.getId();
        try {
            events.publishEvent(new LoginEnded(sessionId)); // synchronous: listeners are done when it returns
        } catch (RuntimeException e) {
            log.warn("Cleaning up session failed: {}", e.toString());
        }
        for (SecurityContext context : event.getSecurityContexts()) {
            if (context.getAuthentication() instanceof DirectusAuthentication login) {
                // With shared sessions every instance hears of the end; the first one revokes.
                try {
                    logins.revoke(login);
                } catch (RuntimeException e) {
                    log.warn("Revoking the Directus session failed: {}", e.toString());
                }
            }
        }
    }
}
