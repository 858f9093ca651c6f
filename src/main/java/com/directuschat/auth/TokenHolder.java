package com.directuschat.auth;

import com.directuschat.auth.TokenStore.StoredTokens;
import com.directuschat.directus.AccessTokenSource;
import com.directuschat.directus.AuthTokens;
import com.directuschat.directus.DirectusException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A login's Directus tokens on this instance, shared by its REST calls and its realtime session. The pair itself
 * lives in the {@link TokenStore}, so any instance can act for the login; this keeps a copy of the access token
 * (valid until it expires, whoever refreshed meanwhile). Directus rotates the refresh token on every refresh and
 * kills the old one at once, so a refresh runs under the login's store lock and re-reads the pair first: whoever
 * comes second, here or on another instance, takes the pair the first one obtained.
 * <p>
 * On this instance a refresh is single-flight and off the callers' threads: one job on the refresh threads, which
 * every caller that needs it joins for at most {@code refreshWait} (then a 503, and the job goes on for the next
 * caller). This holder's own lock only guards the copy, never a wait for the store lock or Directus, so callers that
 * need no refresh (shared lanes among them) are never held up by one.
 * <p>
 * A refreshed pair is this holder's before the store has it: should the write fail, Directus has killed the stored
 * pair's refresh token already, so this instance goes on with the new pair and stores it later, until it succeeds.
 */
public final class TokenHolder implements AccessTokenSource {

    private static final Logger log = LoggerFactory.getLogger(TokenHolder.class);
    /** Failed store writes are retried after saveRetry, 2, 4, then 8 times it. */
    private static final int MAX_DOUBLINGS = 3;

    private final String loginId;
    private final RefreshContext context;
    /** Refreshes this holder made itself; tests of the cluster-wide lock count one login's, not the instance's. */
    private final AtomicLong ownRefreshes = new AtomicLong();

    private StoredTokens current;
    private boolean revoked;
    /** A pair Directus gave this holder that the store does not have yet (its write failed). */
    private Unsaved unsaved;

    private boolean saveScheduled;
    /** The refresh under way on this instance, joined by every caller that needs one meanwhile. */
    private CompletableFuture<StoredTokens> refreshing;

    TokenHolder(String loginId, StoredTokens current, RefreshContext context) {
        this.loginId = loginId;
        this.current = current;
        this.context = context;
    }

    @Override
    public String accessToken() {
        CompletableFuture<StoredTokens> refresh;
        synchronized (this) {
            ensureActive();
            if (!Instant.now().isAfter(context.refreshDue(current))) {
                return current.tokens().accessToken();
            }
            refresh = refresh(current, true);
        }
        return context.await(refresh).tokens().accessToken();
    }

    @Override
    public String refreshAfterRejection(String rejected) {
        CompletableFuture<StoredTokens> refresh;
        synchronized (this) {
            ensureActive();
            if (!current.tokens().accessToken().equals(rejected)) {
                return current.tokens().accessToken();
            }
            refresh = refresh(current, false);
        }
        return context.await(refresh).tokens().accessToken();
    }

    @Override
    public synchronized Instant renewAt() {
        ensureActive();
        return context.refreshDue(current);
    }

    /** Ends the Directus session: the refresh token is refused from now on, on every instance. Safe to call twice. */
    public void revoke() {
        StoredTokens copy;
        Unsaved pending;
        synchronized (this) {
            if (revoked) {
                return;
            }
            revoked = true;
            copy = current;
            pending = unsaved;
            unsaved = null;
        }
        context.revoke(loginId, copy, pending == null ? null : pending.pair());
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
    String refreshToken() {
        StoredTokens stored = context.store().read(loginId);
        synchronized (this) {
            return (stored == null ? current : stored).tokens().refreshToken();
        }
    }

    /** Makes this instance's copy of the access token due, as if its life were over; for tests of the refresh race. */
    synchronized void expireCopy() {
        AuthTokens due = new AuthTokens(
                current.tokens().accessToken(),
                current.tokens().refreshToken(),
                Instant.now().minusSeconds(1));
        current = new StoredTokens(due, Instant.now().minusSeconds(2));
    }

    long ownRefreshes() {
        return ownRefreshes.get();
    }

    /** Holds the monitor. The refresh under way, or a new one replacing {@code stale}. */
    private CompletableFuture<StoredTokens> refresh(StoredTokens stale, boolean dueOnly) {
        if (refreshing == null || refreshing.isDone()) {
            refreshing = new CompletableFuture<>();
            run(refreshing, () -> refreshLocked(stale, dueOnly), context.threads());
        }
        return refreshing;
    }

    /** Runs {@code work} under the login's store lock on {@code executor}; its pair becomes this holder's. */
    private void run(CompletableFuture<StoredTokens> job, Supplier<StoredTokens> work, Executor executor) {
        try {
            executor.execute(() -> {
                try {
                    job.complete(context.store().locked(loginId, () -> adopt(work.get())));
                } catch (RuntimeException | Error e) {
                    job.completeExceptionally(e);
                    if (e instanceof Error error) {
                        throw error;
                    }
                }
            });
        } catch (RejectedExecutionException e) {
            job.completeExceptionally(new DirectusException("No thread for a token refresh", e));
        }
    }

    /**
     * Under the store lock: refreshes unless someone already replaced {@code stale}. A stored pair with another
     * refresh token is taken as it is, unless the caller refreshes because its token is due and that one is due too.
     * Refresh tokens, not access tokens, tell the pairs apart: Directus puts no session in a JSON-mode access token,
     * so a refresh within the second of the login (or of the last refresh) returns the very same access token.
     */
    private StoredTokens refreshLocked(StoredTokens stale, boolean dueOnly) {
        TokenStore store = context.store();
        StoredTokens latest = settle(store.read(loginId));
        if (latest == null) {
            return null;
        }
        boolean replaced = !latest.tokens().refreshToken().equals(stale.tokens().refreshToken());
        if (replaced && !(dueOnly && Instant.now().isAfter(context.refreshDue(latest)))) {
            return latest;
        }
        context.refreshes().incrementAndGet();
        ownRefreshes.incrementAndGet();
        AuthTokens fresh;
        try {
            fresh = context.client().refresh(latest.tokens().refreshToken());
        } catch (DirectusException e) {
            context.refreshFailed().run();
            if (e.isTokenRefused() || e.status() == 400) {
                store.remove(loginId);
                return null;
            }
            throw e;
        }
        // Directus killed the stored refresh token: the new pair is the login now, stored or not (or, revoked, ends).
        Unsaved pending = new Unsaved(
                new StoredTokens(fresh, Instant.now()), latest.tokens().refreshToken());
        boolean ended;
        synchronized (this) {
            ended = revoked;
            if (!ended) {
                unsaved = pending;
                current = pending.pair();
            }
        }
        if (ended) {
            context.logOut(pending.pair().tokens().refreshToken());
            return null;
        }
        try {
            store.write(loginId, pending.pair());
            saved(pending);
        } catch (RuntimeException e) {
            log.warn(
                    "Storing a login's refreshed tokens failed ({}); this instance keeps them and retries",
                    e.toString());
            saveAfter(context.saveRetry(), 0);
        }
        return pending.pair();
    }

    /**
     * Under the store lock: the stored pair once this holder's unsaved one, if any, is stored. That is written while
     * the store still has the pair it replaced; another stored pair is ours (the failed write landed after all) or a
     * newer one refreshed from it elsewhere; no stored pair means the login ended meanwhile, and ours ends too.
     */
    private StoredTokens settle(StoredTokens stored) {
        Unsaved pending;
        synchronized (this) {
            pending = unsaved;
        }
        if (pending == null) {
            return stored;
        }
        if (stored == null) {
            saved(pending);
            context.logOut(pending.pair().tokens().refreshToken());
            return null;
        }
        if (stored.tokens().refreshToken().equals(pending.replaced())) {
            context.store().write(loginId, pending.pair());
            saved(pending);
            return pending.pair();
        }
        saved(pending);
        return stored;
    }

    /** Tries to store the unsaved pair after {@code delay}, unless that is scheduled already. */
    private synchronized void saveAfter(Duration delay, int attempt) {
        if (revoked || unsaved == null || saveScheduled) {
            return;
        }
        saveScheduled = true;
        Executor later = CompletableFuture.delayedExecutor(delay.toMillis(), TimeUnit.MILLISECONDS, context.threads());
        CompletableFuture<StoredTokens> job = new CompletableFuture<>();
        job.whenComplete((stored, failure) -> {
            if (failure != null) {
                log.debug("Storing a login's refreshed tokens failed again: {}", failure.toString());
                saveAfter(context.saveRetry().multipliedBy(1L << Math.min(attempt + 1, MAX_DOUBLINGS)), attempt + 1);
            }
        });
        run(
                job,
                () -> settle(context.store().read(loginId)),
                runnable -> later.execute(() -> {
                    synchronized (this) {
                        saveScheduled = false;
                    }
                    runnable.run();
                }));
    }

    private synchronized void saved(Unsaved pending) {
        if (unsaved == pending) {
            unsaved = null;
        }
    }

    /** This pair is the login's now; none means the login has ended. */
    private synchronized StoredTokens adopt(StoredTokens next) {
        if (next == null) {
            revoked = true;
        } else if (!revoked) {
            current = next;
        }
        return next;
    }

    private void ensureActive() {
        if (revoked) {
            throw RefreshContext.ended();
        }
    }

    /** A pair from Directus that the store has not got yet, and the refresh token it replaced there. */
    private record Unsaved(StoredTokens pair, String replaced) {}
}
