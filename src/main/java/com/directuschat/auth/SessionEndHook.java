package com.directuschat.auth;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.server.context.WebServerGracefulShutdownLifecycle;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.web.session.HttpSessionDestroyedEvent;
import org.springframework.stereotype.Component;

/**
 * The one place where a session's end is handled, whatever ended it: listeners close what they hold
 * (realtime session, SSE streams), then the Directus refresh token is revoked.
 * <p>
 * Except when the web server stops: it expires every in-memory session then, and that is no logout. The login goes
 * on elsewhere (sessions shared in Redis) or ends with its token's lifetime, so the token is left alone. The flag
 * is set in a lifecycle phase after the graceful shutdown (no request is served any more, so no logout can be
 * mistaken for it) and before the server stops.
 */
@Component
class SessionEndHook implements SmartLifecycle {

    static final int PHASE = WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE - 512;

    private static final Logger log = LoggerFactory.getLogger(SessionEndHook.class);

    private final List<LoginEndedListener> listeners;
    private final Logins logins;
    private volatile boolean running;
    private volatile boolean serverStopping;

    SessionEndHook(List<LoginEndedListener> listeners, Logins logins) {
        this.listeners = listeners;
        this.logins = logins;
    }

    @EventListener
    void sessionDestroyed(HttpSessionDestroyedEvent event) {
        String sessionId = event.getId();
        for (LoginEndedListener listener : listeners) {
            try {
                listener.loginEnded(sessionId);
            }
            catch (RuntimeException e) {
                log.warn("Cleaning up session failed: {}", e.toString());
            }
        }
        if (serverStopping) {
            return;
        }
        for (SecurityContext context : event.getSecurityContexts()) {
            if (context.getAuthentication() instanceof DirectusAuthentication login) {
                // With shared sessions every instance hears of the end; the first one revokes.
                try {
                    logins.revoke(login);
                }
                catch (RuntimeException e) {
                    log.warn("Revoking the Directus session failed: {}", e.toString());
                }
            }
        }
    }

    @Override
    public void start() {
        serverStopping = false;
        running = true;
    }

    @Override
    public void stop() {
        serverStopping = true;
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
