package com.directuschat.auth;

import com.directuschat.auth.TokenStore.StoredTokens;
import com.directuschat.directus.DirectusClient;
import com.directuschat.directus.DirectusException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the {@link TokenHolder}s of one instance share, and the parts of their work that need no holder's state
 * (revoking, waiting for a refresh): one per {@link Logins}, so that a holder is cheap; tests build their own.
 *
 * @param threads where refreshes and retried store writes run, never on a caller's thread
 * @param refreshWait how long a caller waits for a refresh before it gets a 503 (the refresh goes on)
 * @param saveRetry first delay before a failed store write is tried again (then doubled, up to 8 times it)
 * @param refreshes refreshes this instance made in Directus
 * @param refreshFailed counts a failed refresh (the {@code directus.token.refresh.failures} meter)
 */
record RefreshContext(
        DirectusClient client,
        TokenStore store,
        Duration refreshSkew,
        Duration refreshWait,
        Duration saveRetry,
        Executor threads,
        AtomicLong refreshes,
        Runnable refreshFailed) {

    private static final Logger log = LoggerFactory.getLogger(TokenHolder.class);

    /**
     * Revokes a login by id, also one this instance holds no tokens for: whoever removes the stored pair logs it out
     * in Directus. Should the store be unreachable, {@code copy} (this instance's pair, if any) is logged out instead;
     * {@code unsaved} (a pair the store never got) always is.
     */
    void revoke(String loginId, StoredTokens copy, StoredTokens unsaved) {
        Set<String> refreshTokens = new LinkedHashSet<>();
        try {
            StoredTokens removed = store.locked(loginId, () -> store.remove(loginId));
            if (removed != null) {
                refreshTokens.add(removed.tokens().refreshToken());
            }
        } catch (SessionStoreDown e) {
            // The stored pair lapses with its TTL; the Directus session ends now, as far as this instance knows it.
            if (copy != null) {
                refreshTokens.add(copy.tokens().refreshToken());
            }
        }
        if (unsaved != null) {
            refreshTokens.add(unsaved.tokens().refreshToken());
        }
        refreshTokens.forEach(this::logOut);
    }

    /** Ends a Directus session by its refresh token, as far as Directus answers. */
    void logOut(String refreshToken) {
        try {
            client.logout(refreshToken);
        } catch (DirectusException e) {
            log.info("Could not revoke a Directus session ({}); it ends when its refresh token expires", e.code());
        }
    }

    /** A refresh's pair, waited for at most {@code refreshWait}; a refresh that takes longer goes on without us. */
    StoredTokens await(CompletableFuture<StoredTokens> refresh) {
        StoredTokens next;
        try {
            next = refresh.get(refreshWait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new DirectusException("A token refresh takes longer than " + refreshWait, e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException failure ? failure : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DirectusException("Interrupted while waiting for a token refresh", e);
        }
        if (next == null) {
            throw ended();
        }
        return next;
    }

    /** Skew before expiry, at most a quarter of the token's life, so a short ACCESS_TOKEN_TTL still works. */
    Instant refreshDue(StoredTokens stored) {
        Instant expiresAt = stored.tokens().expiresAt();
        Duration quarter = Duration.between(stored.obtainedAt(), expiresAt).dividedBy(4);
        return expiresAt.minus(refreshSkew.compareTo(quarter) > 0 ? quarter : refreshSkew);
    }

    static DirectusException ended() {
        return new DirectusException(401, "SESSION_ENDED", "Your Directus session has ended");
    }
}
