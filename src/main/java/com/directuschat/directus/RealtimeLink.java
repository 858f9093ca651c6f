package com.directuschat.directus;

import com.directuschat.directus.RealtimeProtocol.AuthOk;
import com.directuschat.directus.RealtimeProtocol.AuthRefused;
import com.directuschat.directus.RealtimeProtocol.Created;
import com.directuschat.directus.RealtimeProtocol.Deleted;
import com.directuschat.directus.RealtimeProtocol.Inbound;
import com.directuschat.directus.RealtimeProtocol.Ping;
import com.directuschat.directus.RealtimeProtocol.SubscribeRefused;
import com.directuschat.directus.RealtimeProtocol.Subscribed;
import com.directuschat.directus.RealtimeProtocol.Updated;
import com.directuschat.directus.RealtimeTimers.Cancellable;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One open socket's life, from auth to its end: authenticate, subscribe, ping ({@link Liveness}), re-authenticate
 * before expiry and at once on a refused token. It never reconnects: it asks its {@link RealtimeSession} to drop
 * it. Guarded by the session's lock; its timers take that lock, token fetches run outside it.
 */
final class RealtimeLink {

    private static final Logger log = LoggerFactory.getLogger(RealtimeLink.class);

    private final RealtimeSession session;
    private final RealtimeConnection connection;
    private final AccessTokenSource tokens;
    private final RealtimeListener listener;
    private final RealtimeTimers timers;
    private final DirectusProperties properties;
    private final String uid;
    private String token;
    private boolean subscribed;
    /** Subscriptions (create, update, delete) whose init has not come yet; live when none is left. */
    private final Set<String> awaitingInit = new HashSet<>();

    private boolean stopped;
    private int authFailures;
    private long pings;
    private Liveness liveness;
    private Cancellable reauthTimer = Cancellable.NONE;
    private Cancellable progressTimer = Cancellable.NONE;
    private Cancellable livenessTimer = Cancellable.NONE;

    RealtimeLink(
            RealtimeSession session,
            RealtimeConnection connection,
            String token,
            AccessTokenSource tokens,
            RealtimeListener listener,
            RealtimeTimers timers,
            DirectusProperties properties,
            String uid) {
        this.session = session;
        this.connection = connection;
        this.token = token;
        this.tokens = tokens;
        this.listener = listener;
        this.timers = timers;
        this.properties = properties;
        this.uid = uid;
    }

    void start() {
        connection.send(RealtimeProtocol.auth(token));
        expectAnswer();
    }

    boolean subscribed() {
        return subscribed;
    }

    /** Its session let go of it: no more timers. The session closes or aborts the connection. */
    void stop() {
        stopped = true;
        reauthTimer.cancel();
        progressTimer.cancel();
        livenessTimer.cancel();
    }

    void onText(String text) {
        if (liveness != null) {
            // Any frame proves the link, not just a pong.
            liveness.heard(timers.nanoTime());
        }
        Inbound frame = RealtimeProtocol.parse(text);
        if (frame instanceof Ping) {
            connection.send(RealtimeProtocol.pong());
        } else if (frame instanceof AuthOk) {
            onAuthenticated();
        } else if (frame instanceof AuthRefused refused) {
            onAuthRefused(refused.code());
        } else if (frame instanceof Subscribed init && ours(init.uid())) {
            awaitingInit.remove(init.uid() == null ? uid : init.uid());
            if (!subscribed && awaitingInit.isEmpty()) {
                progressTimer.cancel();
                subscribed = true;
                session.subscribed();
            }
        } else if (frame instanceof Created created && ours(created.uid())) {
            created.ids().forEach(listener::onMessageCreated);
            skipped(created.unreadable());
        } else if (frame instanceof Updated updated && ours(updated.uid())) {
            updated.items().forEach(item -> listener.onMessageUpdated(item.id(), item.updatedAt()));
            skipped(updated.unreadable());
        } else if (frame instanceof Deleted deleted && ours(deleted.uid())) {
            if (!deleted.ids().isEmpty()) {
                listener.onMessagesDeleted(deleted.ids());
            }
            skipped(deleted.unreadable());
        } else if (frame instanceof SubscribeRefused refused) {
            log.info("Directus refused the messages subscription: {}", refused.code());
            if ("FORBIDDEN".equals(refused.code())) {
                session.forbidden();
            }
        } else if (frame instanceof RealtimeProtocol.Error error) {
            log.warn("Directus realtime error: {} {}", error.code(), error.message());
        } else if (frame instanceof RealtimeProtocol.Unreadable) {
            log.warn("Ignoring a realtime frame that is not JSON");
        }
    }

    private boolean ours(String frameUid) {
        return frameUid == null
                || uid.equals(frameUid)
                || (uid + RealtimeProtocol.UPDATES).equals(frameUid)
                || (uid + RealtimeProtocol.DELETES).equals(frameUid);
    }

    private static void skipped(int unreadable) {
        if (unreadable > 0) {
            log.warn("Skipped {} realtime item(s) without a readable id", unreadable);
        }
    }

    private void onAuthenticated() {
        authFailures = 0;
        scheduleReauth();
        if (liveness == null) {
            liveness = new Liveness(properties.pingInterval(), timers.nanoTime());
            armLiveness();
        }
        if (!subscribed) {
            // Three event-filtered subscriptions, not one for all events: Directus answers an unfiltered subscribe
            // with a read of the collection (its init payload), a filtered one with a bare init; per event, a
            // subscription for another event is skipped before any read.
            awaitingInit.clear();
            awaitingInit.addAll(Set.of(uid, uid + RealtimeProtocol.UPDATES, uid + RealtimeProtocol.DELETES));
            connection.send(RealtimeProtocol.subscribe(uid));
            connection.send(RealtimeProtocol.subscribeUpdates(uid));
            connection.send(RealtimeProtocol.subscribeDeletes(uid));
            expectAnswer();
        } else {
            progressTimer.cancel();
            // Events evaluated while the token was expired went out with public permissions and were dropped.
            listener.onLive();
        }
    }

    private void onAuthRefused(String code) {
        log.debug("Realtime auth refused: {}", code);
        if (++authFailures > 2) {
            // A fresh token was refused too: back off instead of hammering Directus.
            session.drop(this, "Directus refused fresh tokens on the realtime socket");
            return;
        }
        timers.execute(() -> reauthenticate(true));
    }

    /** Fetching a token may refresh it over REST: outside the lock, so pings and close go on meanwhile. */
    private void reauthenticate(boolean refused) {
        String rejected;
        synchronized (session) {
            if (stopped) {
                return;
            }
            rejected = token;
        }
        String next;
        try {
            next = refused ? tokens.refreshAfterRejection(rejected) : tokens.accessToken();
        } catch (DirectusException e) {
            if (e.isTokenRefused()) {
                session.authLost();
            } else {
                session.drop(this, "No token for the realtime re-authentication (" + e.code() + ")");
            }
            return;
        }
        synchronized (session) {
            if (!stopped) {
                token = next;
                connection.send(RealtimeProtocol.auth(next));
                expectAnswer();
            }
        }
    }

    private void scheduleReauth() {
        reauthTimer.cancel();
        Instant due = tokens.renewAt().plusMillis(100);
        long delay = Math.max(500, Duration.between(timers.now(), due).toMillis());
        reauthTimer = timers.schedule(Duration.ofMillis(delay), () -> reauthenticate(false));
    }

    /**
     * Pongs alone do not prove the session works: an auth or subscribe that Directus never answers (seen
     * right after a restart) would leave a socket that is alive but deaf. No answer in time means reconnect.
     */
    private void expectAnswer() {
        progressTimer.cancel();
        long timeout = Math.max(5000, 2 * properties.requestTimeout().toMillis());
        progressTimer = timers.schedule(Duration.ofMillis(timeout), () -> {
            synchronized (session) {
                if (!stopped) {
                    session.drop(
                            this,
                            "Directus did not answer the realtime " + (subscribed ? "re-authentication" : "handshake"));
                }
            }
        });
    }

    private void armLiveness() {
        long delay = Math.max(0, liveness.nextDueAt() - timers.nanoTime());
        livenessTimer = timers.schedule(Duration.ofNanos(delay), this::checkLiveness);
    }

    private void checkLiveness() {
        synchronized (session) {
            if (stopped) {
                return;
            }
            Liveness.Action action = liveness.tick(timers.nanoTime());
            if (action == Liveness.Action.DEAD) {
                session.drop(this, "Directus missed two pongs");
                return;
            }
            if (action == Liveness.Action.PING) {
                connection.send(RealtimeProtocol.ping("ping-" + ++pings));
            }
            armLiveness();
        }
    }
}
