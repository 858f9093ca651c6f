package com.directuschat.auth;

import com.directuschat.auth.TokenStore.StoredTokens;
import com.directuschat.directus.AccessTokenSource;
import com.directuschat.directus.AuthTokens;
import com.directuschat.directus.DirectusClient;
import com.directuschat.directus.DirectusException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A login's Directus tokens on this instance, shared by its REST calls and its realtime session. The pair itself
 * lives in the {@link TokenStore}, so any instance can act for the login; this keeps a copy of the access token
 * (valid until it expires, whoever refreshed meanwhile). Directus rotates the refresh token on every refresh and
 * kills the old one at once, so a refresh runs under the login's store lock and re-reads the pair first: whoever
 * comes second, here or on another instance, takes the pair the first one obtained.
 */
public final class TokenHolder implements AccessTokenSource {

    private static final Logger log = LoggerFactory.getLogger(TokenHolder.class);

    private final String loginId;
    private final DirectusClient client;
    private final TokenStore store;
    private final Duration refreshSkew;
    private final AtomicLong refreshes;
    /** Refreshes this holder made itself; tests of the cluster-wide lock count one login's, not the instance's. */
    private final AtomicLong ownRefreshes = new AtomicLong();
    /** Counts a failed refresh (the {@code directus.token.refresh.failures} meter). */
    private final Runnable refreshFailed;

    private StoredTokens current;
    private boolean revoked;

    TokenHolder(
            String loginId,
            StoredTokens current,
            DirectusClient client,
            TokenStore store,
            Duration refreshSkew,
            AtomicLong refreshes,
            Runnable refreshFailed) {
        this.loginId = loginId;
        this.current = current;
        this.client = client;
        this.store = store;
        this.refreshSkew = refreshSkew;
        this.refreshes = refreshes;
        this.refreshFailed = refreshFailed;
    }

    @Override
    public synchronized String accessToken() {
        ensureActive();
        if (Instant.now().isAfter(refreshDue(current))) {
            refresh(current, true);
        }
        return current.tokens().accessToken();
    }

    @Override
    public synchronized String refreshAfterRejection(String rejected) {
        ensureActive();
        if (!current.tokens().accessToken().equals(rejected)) {
            return current.tokens().accessToken();
        }
        refresh(current, false);
        return current.tokens().accessToken();
    }

    @Override
    public synchronized Instant renewAt() {
        ensureActive();
        return refreshDue(current);
    }

    /** Ends the Directus session: the refresh token is refused from now on, on every instance. Safe to call twice. */
    public synchronized void revoke() {
        if (revoked) {
            return;
        }
        revoked = true;
        revoke(loginId, client, store);
    }

    /** Revokes a login by id, also one this instance holds no tokens for; only the first caller logs out. */
    static void revoke(String loginId, DirectusClient client, TokenStore store) {
        StoredTokens removed = store.locked(loginId, () -> store.remove(loginId));
        if (removed == null) {
            return;
        }
        try {
            client.logout(removed.tokens().refreshToken());
        } catch (DirectusException e) {
            log.info("Could not revoke a Directus session ({}); it ends when its refresh token expires", e.code());
        }
    }

    /** A holder for a login that ended elsewhere: every use is refused as an ended session. */
    synchronized void markEnded() {
        revoked = true;
    }

    String loginId() {
        return loginId;
    }

    public synchronized boolean isRevoked() {
        return revoked;
    }

    /** The current refresh token, as stored; for tests that prove revocation. */
    synchronized String refreshToken() {
        StoredTokens stored = store.read(loginId);
        return (stored == null ? current : stored).tokens().refreshToken();
    }

    /** Makes this instance's copy of the access token due, as if its life were over; for tests of the refresh race. */
    synchronized void expireCopy() {
        current = new StoredTokens(
                new AuthTokens(
                        current.tokens().accessToken(),
                        current.tokens().refreshToken(),
                        Instant.now().minusSeconds(1)),
                Instant.now().minusSeconds(2));
    }

    /**
     * Refreshes unless someone already replaced {@code stale}: under the lock, the stored pair is read again. A
     * stored pair with another refresh token is taken as it is, unless the caller refreshes because its token is
     * due and that one is due too. Refresh tokens, not access tokens, tell the pairs apart: Directus puts no
     * session in a JSON-mode access token, so a refresh within the second of the login (or of the last refresh)
     * returns the very same access token.
     */
    private void refresh(StoredTokens stale, boolean dueOnly) {
        StoredTokens next = store.locked(loginId, () -> {
            StoredTokens latest = store.read(loginId);
            if (latest == null) {
                return null;
            }
            boolean replaced =
                    !latest.tokens().refreshToken().equals(stale.tokens().refreshToken());
            if (replaced && !(dueOnly && Instant.now().isAfter(refreshDue(latest)))) {
                return latest;
            }
            refreshes.incrementAndGet();
            ownRefreshes.incrementAndGet();
            try {
                StoredTokens fresh =
                        new StoredTokens(client.refresh(latest.tokens().refreshToken()), Instant.now());
                store.write(loginId, fresh);
                return fresh;
            } catch (DirectusException e) {
                refreshFailed.run();
                if (e.isTokenRefused() || e.status() == 400) {
                    store.remove(loginId);
                    return null;
                }
                throw e;
            }
        });
        if (next == null) {
            revoked = true;
            throw ended();
        }
        current = next;
    }

    /** Skew before expiry, at most a quarter of the token's life, so a short ACCESS_TOKEN_TTL still works. */
    private Instant refreshDue(StoredTokens stored) {
        Instant expiresAt = stored.tokens().expiresAt();
        Duration quarter = Duration.between(stored.obtainedAt(), expiresAt).dividedBy(4);
        return expiresAt.minus(refreshSkew.compareTo(quarter) > 0 ? quarter : refreshSkew);
    }

    long ownRefreshes() {
        return ownRefreshes.get();
    }

    private void ensureActive() {
        if (revoked) {
            throw ended();
        }
    }

    private static DirectusException ended() {
        return new DirectusException(401, "SESSION_ENDED", "Your Directus session has ended");
    }
}
