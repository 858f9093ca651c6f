package com.directuschat.directus;

import com.directuschat.directus.RealtimeTimers.Cancellable;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.modulith.NamedInterface;

/**
 * One user's Directus realtime session, supervised: opens a socket ({@link RealtimeConnection}) and hands it to a
 * {@link RealtimeLink} (auth, subscribe, pings, re-auth); when the link dies, drops it and reconnects with
 * backoff, and reports the state. Time and timers come from {@link RealtimeTimers}, so tests can fake them.
 */
@NamedInterface("realtime")
public final class RealtimeSession implements AutoCloseable {

    /**
     * OFFLINE: several reconnects in a row failed; still retrying. FORBIDDEN: Directus refused the
     * subscription (the user's policy cannot read messages); nothing will arrive.
     */
    public enum State {
        CONNECTING,
        LIVE,
        RECONNECTING,
        OFFLINE,
        FORBIDDEN,
        CLOSED
    }

    private static final int ATTEMPTS_BEFORE_OFFLINE = 3;

    private static final Logger log = LoggerFactory.getLogger(RealtimeSession.class);
    private static final AtomicLong SEQUENCE = new AtomicLong();

    private final RealtimeConnection.Opener opener;
    private final DirectusProperties properties;
    private final AccessTokenSource tokens;
    private final RealtimeListener listener;
    private final RealtimeTimers timers;
    private final Backoff backoff;
    private final RealtimeMetrics metrics;
    private final String uid = "messages-" + SEQUENCE.incrementAndGet();

    private RealtimeConnection connection;
    private RealtimeLink link;
    private State state = State.CONNECTING;
    private int attempt;
    private boolean connecting;
    private boolean reconnectPending;
    private long generation;
    private long lastProgressNanos;
    private Cancellable watchdog = Cancellable.NONE;
    private Cancellable reconnectTimer = Cancellable.NONE;

    RealtimeSession(
            RealtimeConnection.Opener opener,
            DirectusProperties properties,
            AccessTokenSource tokens,
            RealtimeListener listener,
            RealtimeTimers timers,
            Backoff backoff,
            RealtimeMetrics metrics) {
        this.opener = opener;
        this.properties = properties;
        this.tokens = tokens;
        this.listener = listener;
        this.timers = timers;
        this.backoff = backoff;
        this.metrics = metrics;
    }

    public synchronized State state() {
        return state;
    }

    synchronized void start() {
        metrics.opened();
        lastProgressNanos = timers.nanoTime();
        armWatchdog();
        connect();
    }

    /** Fetching the token may refresh it over REST: never under the lock, so pings and close go on meanwhile. */
    private void connect() {
        long connectGeneration;
        synchronized (this) {
            reconnectPending = false;
            if (state == State.CLOSED) {
                return;
            }
            connecting = true;
            connectGeneration = ++generation;
            lastProgressNanos = timers.nanoTime();
        }
        String token;
        try {
            token = tokens.accessToken();
        } catch (DirectusException e) {
            synchronized (this) {
                if (connectGeneration != generation) {
                    return;
                }
                connecting = false;
            }
            if (e.isTokenRefused()) {
                authLost();
            } else {
                scheduleReconnect();
            }
            return;
        }
        synchronized (this) {
            if (connectGeneration != generation || state == State.CLOSED) {
                return;
            }
            metrics.attempted(attempt > 0);
            opener.open(new Events()).whenComplete((c, error) -> opened(connectGeneration, c, error, token));
        }
    }

    private synchronized void opened(long connectGeneration, RealtimeConnection c, Throwable error, String token) {
        if (connectGeneration != generation || state == State.CLOSED) {
            // Given up on by the watchdog, or closed, meanwhile.
            if (c != null) {
                c.abort();
            }
            return;
        }
        connecting = false;
        lastProgressNanos = timers.nanoTime();
        if (error != null) {
            if (attempt == ATTEMPTS_BEFORE_OFFLINE) {
                log.info("Realtime session {} cannot reach Directus ({}); still retrying", uid, error.toString());
            } else {
                log.debug("Realtime connect failed: {}", error.toString());
            }
            scheduleReconnect();
            return;
        }
        connection = c;
        link = new RealtimeLink(this, c, token, tokens, listener, timers, properties, uid);
        link.start();
    }

    private synchronized void onText(RealtimeConnection c, String text) {
        if (c == connection) {
            link.onText(text);
        }
    }

    /** The link's subscription is live: a new socket is up. */
    synchronized void subscribed() {
        lastProgressNanos = timers.nanoTime();
        if (attempt > 0) {
            log.info("Realtime session {} live again after {} attempt(s)", uid, attempt);
        }
        attempt = 0;
        setState(State.LIVE);
        listener.onLive();
    }

    synchronized void forbidden() {
        setState(State.FORBIDDEN);
    }

    /** The link is broken (dead, deaf, or without a token): drop its socket and reconnect. */
    synchronized void drop(RealtimeLink broken, String why) {
        if (broken == link && state != State.CLOSED) {
            log.info("Realtime session {}: {}; reconnecting", uid, why);
            dropSocket();
        }
    }

    private synchronized void armWatchdog() {
        if (state != State.CLOSED) {
            watchdog = timers.schedule(properties.pingInterval(), () -> {
                stuck();
                armWatchdog();
            });
        }
    }

    /**
     * Not live, and nothing under way that will change it (no answer awaited, no reconnect pending, or a connect
     * that never finished): start over. The other guards should make this unreachable; it is the last resort.
     */
    private synchronized void stuck() {
        if (state == State.LIVE || state == State.CLOSED || state == State.FORBIDDEN || reconnectPending) {
            return;
        }
        long idleMs = TimeUnit.NANOSECONDS.toMillis(timers.nanoTime() - lastProgressNanos);
        Duration slowest = properties.requestTimeout().compareTo(properties.reconnectMaxDelay()) > 0
                ? properties.requestTimeout()
                : properties.reconnectMaxDelay();
        long limit = 3 * slowest.toMillis() + 1000;
        if (idleMs < limit) {
            return;
        }
        log.info(
                "Realtime session {} made no progress for {} ms (state {}, connecting {}, socket {}, subscribed {}); "
                        + "starting over",
                uid,
                idleMs,
                state,
                connecting,
                connection != null,
                link != null && link.subscribed());
        generation++;
        connecting = false;
        lastProgressNanos = timers.nanoTime();
        dropSocket();
    }

    private synchronized void closed(RealtimeConnection c, String why) {
        if (c == connection) {
            log.debug("Realtime socket {} ended: {}", uid, why);
            forget();
            scheduleReconnect();
        }
    }

    private synchronized void dropSocket() {
        if (connection != null) {
            connection.abort();
            forget();
        }
        scheduleReconnect();
    }

    private void forget() {
        connection = null;
        if (link != null) {
            link.stop();
            link = null;
        }
    }

    private synchronized void scheduleReconnect() {
        // An explicit flag, not "is the timer done": the timer hands connect() to a worker and may not count as
        // done yet when a connect that fails at once asks for the next attempt, which would then be lost.
        if (state == State.CLOSED || connecting || reconnectPending) {
            return;
        }
        // At once, not when the next attempt starts: the page shows "Reconnecting…" from this.
        setState(attempt >= ATTEMPTS_BEFORE_OFFLINE ? State.OFFLINE : State.RECONNECTING);
        Duration delay = backoff.delay(attempt++);
        reconnectPending = true;
        reconnectTimer = timers.schedule(delay, this::connect);
    }

    /** The login is gone: close, and tell the listener once (a connect and a re-auth may both find out). */
    void authLost() {
        synchronized (this) {
            if (state == State.CLOSED) {
                return;
            }
            close();
        }
        listener.onAuthLost();
    }

    private synchronized void setState(State next) {
        if (state != next && state != State.CLOSED) {
            state = next;
            listener.onStateChanged(next);
        }
    }

    @Override
    public synchronized void close() {
        if (state == State.CLOSED) {
            return;
        }
        setState(State.CLOSED);
        metrics.closed();
        watchdog.cancel();
        reconnectTimer.cancel();
        RealtimeConnection c = connection;
        forget();
        if (c != null) {
            c.close();
        }
    }

    /** Callbacks of the connections this session opens; frames of a connection it has let go are ignored. */
    private final class Events implements RealtimeConnection.Listener {

        @Override
        public void onText(RealtimeConnection c, String text) {
            RealtimeSession.this.onText(c, text);
        }

        @Override
        public void onClosed(RealtimeConnection c, String why) {
            closed(c, why);
        }
    }
}
