package com.directuschat.auth;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.springframework.context.ApplicationContext;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.session.Session;
import org.springframework.session.SessionRepository;

/** Looks at logins whose HTTP sessions live in Redis (Spring Session), from one instance's point of view. */
public final class SharedLoginInspector {

    private SharedLoginInspector() {}

    /** The session id in a Spring Session cookie value (Base64). */
    public static String sessionId(String cookieValue) {
        return new String(Base64.getDecoder().decode(cookieValue), StandardCharsets.UTF_8);
    }

    /** This instance's token holder for the login of the session with this cookie value. */
    public static TokenHolder holder(ApplicationContext context, String cookieValue) {
        @SuppressWarnings("unchecked")
        SessionRepository<Session> sessions = context.getBean(SessionRepository.class);
        Session session = sessions.findById(sessionId(cookieValue));
        SecurityContext security =
                session.getAttribute(HttpSessionSecurityContextRepository.SPRING_SECURITY_CONTEXT_KEY);
        DirectusAuthentication login = (DirectusAuthentication) security.getAuthentication();
        return context.getBean(Logins.class).holder(login.loginId());
    }

    public static String refreshToken(TokenHolder holder) {
        return holder.refreshToken();
    }

    /** Makes the holder's copy of the access token due, so its next use refreshes (or takes a newer stored pair). */
    public static void expireCopy(TokenHolder holder) {
        holder.expireCopy();
    }

    /** Refreshes made by these holders (one login's, on its instances), whatever other logins do meanwhile. */
    public static long refreshes(TokenHolder... holders) {
        long sum = 0;
        for (TokenHolder holder : holders) {
            sum += holder.ownRefreshes();
        }
        return sum;
    }
}
