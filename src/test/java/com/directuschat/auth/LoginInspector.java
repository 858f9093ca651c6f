package com.directuschat.auth;

import jakarta.servlet.http.HttpSession;
import org.apache.catalina.Context;
import org.apache.catalina.Session;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationContext;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;

/** Looks inside the app's live HTTP sessions, where the Directus tokens are, for tests that prove their handling. */
public final class LoginInspector {

    private LoginInspector() {}

    public static Session session(ApplicationContext context, String sessionId) {
        TomcatWebServer server = (TomcatWebServer) ((WebServerApplicationContext) context).getWebServer();
        Context webapp = (Context) server.getTomcat().getHost().findChildren()[0];
        try {
            return webapp.getManager().findSession(sessionId);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static TokenHolder tokens(ApplicationContext context, String sessionId) {
        HttpSession session = session(context, sessionId).getSession();
        SecurityContext security = (SecurityContext)
                session.getAttribute(HttpSessionSecurityContextRepository.SPRING_SECURITY_CONTEXT_KEY);
        return ((DirectusAuthentication) security.getAuthentication()).tokens();
    }

    public static String refreshToken(ApplicationContext context, String sessionId) {
        return tokens(context, sessionId).refreshToken();
    }

    public static String accessToken(ApplicationContext context, String sessionId) {
        return tokens(context, sessionId).accessToken();
    }

    /** Ends the session as its timeout would. */
    public static void expire(ApplicationContext context, String sessionId) {
        session(context, sessionId).expire();
    }
}
