package com.directuschat.auth;

import com.directuschat.directus.AuthTokens;
import com.directuschat.directus.DirectusClient;
import com.directuschat.directus.DirectusException;
import com.directuschat.directus.DirectusUser;
import com.directuschat.ratelimit.RateLimitExceeded;
import com.directuschat.ratelimit.RateLimits;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.authentication.WebAuthenticationDetails;
import org.springframework.stereotype.Component;

/**
 * Logs in against Directus {@code POST /auth/login}; the password is used once and not kept. Every attempt is counted
 * by the login limits first, here rather than by URL: whatever request Spring Security took for a login (any spelling
 * of {@code /login} its matcher accepts), this is where its password would be tried. A login that fails after
 * Directus issued its tokens is logged out of Directus again, so no session is left behind.
 */
@Component
class DirectusAuthenticationProvider implements AuthenticationProvider {

    private static final Logger log = LoggerFactory.getLogger(DirectusAuthenticationProvider.class);

    private final DirectusClient client;
    private final Logins logins;
    private final RateLimits limits;

    DirectusAuthenticationProvider(DirectusClient client, Logins logins, RateLimits limits) {
        this.client = client;
        this.logins = logins;
        this.limits = limits;
    }

    @Override
    public Authentication authenticate(Authentication request) {
        String email = String.valueOf(request.getPrincipal()).trim();
        String password = String.valueOf(request.getCredentials());
        try {
            limits.checkLogin(clientIp(request), email);
        } catch (RateLimitExceeded refused) {
            throw new LoginFailure.Exception(LoginFailure.TOO_MANY, refused);
        }
        if (email.isEmpty() || password.isEmpty()) {
            throw new LoginFailure.Exception(LoginFailure.CREDENTIALS, null);
        }
        try {
            return signIn(client.login(email, password));
        } catch (SessionStoreDown e) {
            throw e; // a 503 "try again shortly", not a refused login
        } catch (DirectusException e) {
            log.info("Login of {} refused: {} (HTTP {})", email, e.code(), e.status());
            throw new LoginFailure.Exception(reason(e), null);
        }
    }

    /** Directus issued the tokens: a login that fails from here on ends their Directus session at once. */
    private DirectusAuthentication signIn(AuthTokens tokens) {
        TokenHolder holder = null;
        try {
            holder = logins.begin(tokens);
            DirectusUser user = client.currentUser(holder);
            return new DirectusAuthentication(
                    new ChatUser(
                            user.id(),
                            user.email(),
                            displayName(user),
                            user.firstName() == null ? "" : user.firstName(),
                            user.lastName() == null ? "" : user.lastName()),
                    holder.loginId(),
                    holder);
        } catch (RuntimeException e) {
            try {
                logins.abandon(tokens, holder);
            } catch (RuntimeException alsoFailed) {
                e.addSuppressed(alsoFailed);
            }
            throw e;
        }
    }

    /** The address the form login recorded: the TCP peer's, or the client's as a trusted proxy says. */
    private static String clientIp(Authentication request) {
        return request.getDetails() instanceof WebAuthenticationDetails details && details.getRemoteAddress() != null
                ? details.getRemoteAddress()
                : "unknown";
    }

    static String displayName(DirectusUser user) {
        String name = ((user.firstName() == null ? "" : user.firstName()) + " "
                        + (user.lastName() == null ? "" : user.lastName()))
                .trim();
        return name.isEmpty() ? user.email() : name;
    }

    private static LoginFailure reason(DirectusException e) {
        if (e.isUnreachable() || e.status() >= 500) {
            return LoginFailure.UNREACHABLE;
        }
        return switch (e.code()) {
            case "INVALID_CREDENTIALS", "INVALID_PAYLOAD" -> LoginFailure.CREDENTIALS;
            case "INVALID_OTP" -> LoginFailure.OTP;
            case "INVALID_PROVIDER", "INVALID_PROVIDER_CONFIG" -> LoginFailure.NO_PASSWORD_LOGIN;
            default -> LoginFailure.REFUSED;
        };
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
    }
}
