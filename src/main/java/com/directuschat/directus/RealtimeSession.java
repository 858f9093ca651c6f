package com.directuschat.directus;

import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * One user's Directus realtime connection: authenticates with the user's access token, subscribes to
 * {@code messages} creates, answers pings, re-authenticates before expiry and on {@code TOKEN_EXPIRED},
 * and reconnects with backoff when the socket dies (closed, errored, or silent for two heartbeats).
 */
public final class RealtimeSession implements AutoCloseable {

    /**
     * OFFLINE: several reconnects in a row failed; still retrying. FORBIDDEN: Directus refused the
     * subscription (the user's policy cannot read messages); nothing will arrive.
     */
    public enum State { CONNECTING, LIVE, RECONNECTING, OFFLINE, FORBIDDEN, CLOSED }

    private static final int ATTEMPTS_BEFORE_OFFLINE = 3;

    private static final Logger log = LoggerFactory.getLogger(RealtimeSession.class);
    private static final AtomicLong SEQUENCE = new AtomicLong();
    private static final Map<String, Object> SUBSCRIPTION_QUERY = Map.of(
            "fields", new String[] {"id"});

    private final HttpClient http;
    private final DirectusProperties properties;
    private final ObjectMapper json;
    private final AccessTokenSource tokens;
    private final RealtimeListener listener;
    private final ScheduledExecutorService scheduler;
    private final Executor worker;
    private final Backoff backoff;
    private final RealtimeStats stats;
    private final String uid = "messages-" + SEQUENCE.incrementAndGet();

    private WebSocket socket;
    private CompletableFuture<?> sendChain = CompletableFuture.completedFuture(null);
    private State state = State.CONNECTING;
    private boolean subscribed;
    private String socketToken;
    private int attempt;
    private int authFailures;
    private boolean connecting;
    private boolean reconnectPending;
    private long generation;
    private volatile long lastProgressNanos = System.nanoTime();
    private volatile long lastReceivedNanos = System.nanoTime();
    private final java.util.concurrent.atomic.AtomicBoolean checking = new java.util.concurrent.atomic.AtomicBoolean();
    private ScheduledFuture<?> reauthTimer;
    private ScheduledFuture<?> watchdog;
    private ScheduledFuture<?> reconnectTimer;
    private ScheduledFuture<?> progressTimer;

    RealtimeSession(HttpClient http, DirectusProperties properties, ObjectMapper json, AccessTokenSource tokens,
            RealtimeListener listener, ScheduledExecutorService scheduler, Executor worker, Backoff backoff,
            RealtimeStats stats) {
        this.http = http;
        this.properties = properties;
        this.json = json;
        this.tokens = tokens;
        this.listener = listener;
        this.scheduler = scheduler;
        this.worker = worker;
        this.backoff = backoff;
        this.stats = stats;
    }

    public synchronized State state() {
        return state;
    }

    synchronized void start() {
        long period = Math.max(250, properties.heartbeatPeriod().toMillis() / 2);
        // The timer thread is shared by every session: it only hands work to the worker pool, never waits on a session.
        watchdog = scheduler.scheduleAtFixedRate(() -> {
            if (checking.compareAndSet(false, true)) {
                worker.execute(this::checkAlive);
            }
        }, period, period, TimeUnit.MILLISECONDS);
        connect();
    }

    private synchronized void connect() {
        reconnectPending = false;
        if (state == State.CLOSED) {
            return;
        }
        String token;
        try {
            token = tokens.accessToken();
        }
        catch (DirectusException e) {
            if (e.isTokenRefused()) {
                authLost();
            }
            else {
                scheduleReconnect();
            }
            return;
        }
        socketToken = token;
        subscribed = false;
        connecting = true;
        long connectGeneration = ++generation;
        lastProgressNanos = System.nanoTime();
        stats.attempted();
        lastReceivedNanos = System.nanoTime();
        http.newWebSocketBuilder().connectTimeout(properties.requestTimeout())
                .buildAsync(properties.websocketUrl(), new Frames())
                .whenComplete((ws, error) -> opened(connectGeneration, ws, error, token));
    }

    private synchronized void opened(long connectGeneration, WebSocket ws, Throwable error, String token) {
        if (connectGeneration != generation) {
            // Given up on by the watchdog meanwhile.
            if (ws != null) {
                ws.abort();
            }
            return;
        }
        connecting = false;
        lastProgressNanos = System.nanoTime();
        if (error != null) {
            if (attempt == ATTEMPTS_BEFORE_OFFLINE) {
                log.info("Realtime session {} cannot reach Directus ({}); still retrying", uid, error.toString());
            }
            else {
                log.debug("Realtime connect failed: {}", error.toString());
            }
            scheduleReconnect();
            return;
        }
        if (state == State.CLOSED) {
            ws.abort();
            return;
        }
        socket = ws;
        sendChain = CompletableFuture.completedFuture(null);
        send(Map.of("type", "auth", "access_token", token));
        expectAnswer();
    }

    private synchronized void onText(WebSocket ws, String text) {
        if (ws != socket) {
            return;
        }
        lastReceivedNanos = System.nanoTime();
        JsonNode frame;
        try {
            frame = json.readTree(text);
        }
        catch (RuntimeException e) {
            log.warn("Ignoring a realtime frame that is not JSON");
            return;
        }
        switch (Json.text(frame, "type") == null ? "" : Json.text(frame, "type")) {
            case "ping" -> send(Map.of("type", "pong"));
            case "auth" -> onAuth(frame);
            case "subscription" -> onSubscription(frame);
            case "subscribe" -> onSubscribeRefused(frame);
            default -> {
                if ("error".equals(Json.text(frame, "status"))) {
                    log.warn("Directus realtime error: {} {}", Json.text(frame.path("error"), "code"),
                            Json.text(frame.path("error"), "message"));
                }
            }
        }
    }

    private void onAuth(JsonNode frame) {
        if ("ok".equals(Json.text(frame, "status"))) {
            authFailures = 0;
            stats.authenticated();
            scheduleReauth();
            if (!subscribed) {
                send(Map.of("type", "subscribe", "collection", "messages", "event", "create",
                        "query", SUBSCRIPTION_QUERY, "uid", uid));
                expectAnswer();
            }
            else {
                cancel(progressTimer);
                // Events evaluated while the token was expired went out with public permissions and were dropped.
                listener.onLive();
            }
            return;
        }
        String code = Json.text(frame.path("error"), "code");
        log.debug("Realtime auth refused: {}", code);
        if (++authFailures > 2) {
            // A fresh token was refused too: back off instead of hammering Directus.
            dropSocket();
            return;
        }
        worker.execute(() -> reauthenticate(true));
    }

    private void onSubscribeRefused(JsonNode frame) {
        String code = Json.text(frame.path("error"), "code");
        log.info("Directus refused the messages subscription: {}", code);
        if ("FORBIDDEN".equals(code)) {
            setState(State.FORBIDDEN);
        }
    }

    private void onSubscription(JsonNode frame) {
        String frameUid = Json.text(frame, "uid");
        if (frameUid != null && !uid.equals(frameUid)) {
            return;
        }
        String event = Json.text(frame, "event");
        if ("init".equals(event)) {
            lastProgressNanos = System.nanoTime();
            cancel(progressTimer);
            subscribed = true;
            if (attempt > 0) {
                log.info("Realtime session {} live again after {} attempt(s)", uid, attempt);
            }
            attempt = 0;
            setState(State.LIVE);
            listener.onLive();
        }
        else if ("create".equals(event)) {
            for (JsonNode item : frame.path("data")) {
                try {
                    listener.onMessageCreated(Json.id(item));
                }
                catch (RuntimeException e) {
                    log.warn("Skipping an unreadable realtime message: {}", e.getMessage());
                }
            }
        }
    }

    private synchronized void reauthenticate(boolean refused) {
        if (state == State.CLOSED || socket == null) {
            return;
        }
        try {
            String token = refused ? tokens.refreshAfterRejection(socketToken) : tokens.accessToken();
            socketToken = token;
            send(Map.of("type", "auth", "access_token", token));
            expectAnswer();
        }
        catch (DirectusException e) {
            if (e.isTokenRefused()) {
                authLost();
            }
            else {
                dropSocket();
            }
        }
    }

    private void scheduleReauth() {
        cancel(reauthTimer);
        Instant due = tokens.renewAt().plusMillis(100);
        long delay = Math.max(500, Duration.between(Instant.now(), due).toMillis());
        reauthTimer = scheduler.schedule(() -> worker.execute(() -> reauthenticate(false)), delay, TimeUnit.MILLISECONDS);
    }

    /**
     * Pings alone do not prove the session works: an auth or subscribe that Directus never answers (seen
     * right after a restart) would leave a socket that is alive but deaf. No answer in time means reconnect.
     */
    private void expectAnswer() {
        cancel(progressTimer);
        WebSocket ws = socket;
        long timeout = Math.max(5000, 2 * properties.requestTimeout().toMillis());
        progressTimer = scheduler.schedule(() -> worker.execute(() -> unanswered(ws)), timeout, TimeUnit.MILLISECONDS);
    }

    private synchronized void unanswered(WebSocket ws) {
        if (ws != null && ws == socket && state != State.CLOSED) {
            log.info("Directus did not answer the realtime {}; reconnecting", subscribed ? "re-authentication" : "handshake");
            dropSocket();
        }
    }

    private void checkAlive() {
        try {
            checkAliveNow();
        }
        finally {
            checking.set(false);
        }
    }

    private void checkAliveNow() {
        if (stuck()) {
            return;
        }
        long silentMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastReceivedNanos);
        boolean dead;
        synchronized (this) {
            dead = state != State.CLOSED && socket != null && silentMs > 2 * properties.heartbeatPeriod().toMillis() + 1000;
        }
        if (dead) {
            log.info("No frame from Directus for {} ms; reconnecting", silentMs);
            dropSocket();
        }
    }

    /**
     * Not live, and nothing under way that will change it (no answer awaited, no reconnect pending, or a connect
     * that never finished): start over. The other guards should make this unreachable; it is the last resort.
     */
    private synchronized boolean stuck() {
        if (state == State.LIVE || state == State.CLOSED || state == State.FORBIDDEN) {
            return false;
        }
        long idleMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastProgressNanos);
        long limit = 3 * Math.max(properties.requestTimeout().toMillis(), properties.reconnectMaxDelay().toMillis()) + 1000;
        boolean waiting = reconnectPending;
        if (idleMs < limit || waiting) {
            return false;
        }
        log.info("Realtime session {} made no progress for {} ms (state {}, connecting {}, socket {}, subscribed {}); "
                + "starting over", uid, idleMs, state, connecting, socket != null, subscribed);
        generation++;
        connecting = false;
        lastProgressNanos = System.nanoTime();
        dropSocket();
        return true;
    }

    private synchronized void closed(WebSocket ws) {
        if (ws == socket) {
            socket = null;
            scheduleReconnect();
        }
    }

    private synchronized void dropSocket() {
        if (socket != null) {
            socket.abort();
            socket = null;
        }
        scheduleReconnect();
    }

    private synchronized void scheduleReconnect() {
        // An explicit flag, not reconnectTimer.isDone(): the timer hands connect() to a worker and may not count
        // as done yet when a connect that fails at once asks for the next attempt, which would then be lost.
        if (state == State.CLOSED || connecting || reconnectPending) {
            return;
        }
        cancel(reauthTimer);
        setState(attempt >= ATTEMPTS_BEFORE_OFFLINE ? State.OFFLINE : State.RECONNECTING);
        Duration delay = backoff.delay(attempt++);
        reconnectPending = true;
        // Connecting may refresh the token over REST: off the shared timer thread.
        reconnectTimer = scheduler.schedule(() -> worker.execute(this::connect), delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private synchronized void authLost() {
        close();
        listener.onAuthLost();
    }

    private synchronized void send(Map<String, Object> message) {
        WebSocket ws = socket;
        if (ws == null) {
            return;
        }
        String text = json.writeValueAsString(message);
        sendChain = sendChain.handle((ok, error) -> null).thenCompose(ignored -> ws.sendText(text, true));
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
        state = State.CLOSED;
        cancel(reauthTimer);
        cancel(watchdog);
        cancel(reconnectTimer);
        cancel(progressTimer);
        WebSocket ws = socket;
        socket = null;
        if (ws != null) {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "session ended").orTimeout(2, TimeUnit.SECONDS)
                    .whenComplete((ok, error) -> ws.abort());
        }
    }

    private static void cancel(ScheduledFuture<?> future) {
        if (future != null) {
            future.cancel(false);
        }
    }

    /** Reassembles partial text frames and hands whole messages to the session. */
    private final class Frames implements WebSocket.Listener {

        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                RealtimeSession.this.onText(ws, text);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            log.debug("Directus closed the realtime socket: {} {}", statusCode, reason);
            closed(ws);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            log.debug("Realtime socket error: {}", error.toString());
            closed(ws);
        }
    }
}
