package com.directuschat.auth;

import java.time.Duration;
import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.directuschat.directus.AccessTokenSource;
import com.directuschat.directus.AuthTokens;
import com.directuschat.directus.DirectusClient;
import com.directuschat.directus.DirectusException;

/**
 * The one owner of a login's Directus token pair, shared by REST calls and the realtime session.
 * Directus rotates the refresh token on every refresh and kills the old one at once, so refreshes are
 * single-flight: callers wait on one lock, and whoever comes second uses the token the first obtained.
 */
public final class TokenHolder implements AccessTokenSource {

    private static final Logger log = LoggerFactory.getLogger(TokenHolder.class);

    private final DirectusClient client;
    private final Duration refreshSkew;
    /** Counts a failed refresh (the {@code directus.token.refresh.failures} meter). */
    private final Runnable refreshFailed;
    private AuthTokens tokens;
    private Instant obtainedAt = Instant.now();
    private boolean revoked;

    TokenHolder(DirectusClient client, AuthTokens tokens, Duration refreshSkew) {
        this(client, tokens, refreshSkew, () -> { });
    }

    TokenHolder(DirectusClient client, AuthTokens tokens, Duration refreshSkew, Runnable refreshFailed) {
        this.client = client;
        this.tokens = tokens;
        this.refreshSkew = refreshSkew;
        this.refreshFailed = refreshFailed;
    }

    @Override
    public synchronized String accessToken() {
        ensureActive();
        if (Instant.now().isAfter(refreshDue())) {
            refresh();
        }
        return tokens.accessToken();
    }

    @Override
    public synchronized String refreshAfterRejection(String rejected) {
        ensureActive();
        if (!tokens.accessToken().equals(rejected)) {
            return tokens.accessToken();
        }
        refresh();
        return tokens.accessToken();
    }

    @Override
    public synchronized Instant renewAt() {
        ensureActive();
        return refreshDue();
    }

    /** Ends the Directus session: the refresh token is refused from now on. Safe to call twice. */
    public synchronized void revoke() {
        if (revoked) {
            return;
        }
        revoked = true;
        try {
            client.logout(tokens.refreshToken());
        }
        catch (DirectusException e) {
            log.info("Could not revoke a Directus session ({}); it ends when its refresh token expires", e.code());
        }
    }

    public synchronized boolean isRevoked() {
        return revoked;
    }

    /** The current refresh token; for tests that prove revocation. */
    synchronized String refreshToken() {
        return tokens.refreshToken();
    }

    private void refresh() {
        try {
            tokens = client.refresh(tokens.refreshToken());
            obtainedAt = Instant.now();
        }
        catch (DirectusException e) {
            refreshFailed.run();
            if (e.isTokenRefused() || e.status() == 400) {
                revoked = true;
                throw new DirectusException(401, "SESSION_ENDED", "Your Directus session has ended");
            }
            throw e;
        }
    }

    /** Skew before expiry, at most a quarter of the token's life, so a short ACCESS_TOKEN_TTL still works. */
    private Instant refreshDue() {
        Duration quarter = Duration.between(obtainedAt, tokens.expiresAt()).dividedBy(4);
        return tokens.expiresAt().minus(refreshSkew.compareTo(quarter) > 0 ? quarter : refreshSkew);
    }

    private void ensureActive() {
        if (revoked) {
            throw new DirectusException(401, "SESSION_ENDED", "Your Directus session has ended");
        }
    }
}
