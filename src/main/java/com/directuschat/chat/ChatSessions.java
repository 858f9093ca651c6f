package com.directuschat.chat;

import com.directuschat.auth.LoginEnded;
import com.directuschat.auth.Logins;
import com.directuschat.directus.AccessTokenSource;
import com.directuschat.directus.ChatMessage;
import com.directuschat.directus.ChatRoom;
import com.directuschat.directus.DirectusReadPositions;
import com.directuschat.directus.RealtimeSession;
import com.directuschat.directus.RealtimeSessionFactory;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpSession;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;

/**
 * The chat sessions of all logged-in HTTP sessions, by session id; each lives and dies with its session. As a
 * lifecycle bean it drains first when the app stops (before the web server's graceful shutdown): new streams are
 * refused, open ones end so that their browsers reconnect elsewhere, and the Directus sockets close; nobody is
 * logged out. Its work runs on {@link ChatThreads}' pool and timer, which outlast this drain.
 */
@Component
class ChatSessions implements SmartLifecycle, DisposableBean {

    private final Map<String, ChatSession> sessions = new ConcurrentHashMap<>();
    private final RealtimeLease.Opener opener;
    private final MessageSource source;
    private final ChatProperties properties;
    private final ChatMetrics metrics;
    private final Executor workers;
    private final TaskScheduler timer;
    private final ScheduledFuture<?> heartbeats;
    private volatile boolean running;
    private volatile boolean draining;
    /** Makes a login's reader (unread counts, read positions, rooms); null in tests of delivery alone. */
    private BiFunction<AccessTokenSource, String, Reader> readers;
    /** Whether a login reads every room (asked of Directus once per login); null: never (tests of delivery alone). */
    private java.util.function.Predicate<AccessTokenSource> readsEveryRoom;
    /** Ends an HTTP session from outside its requests; through the shared session store when there is one. */
    private Consumer<HttpSession> ender = ChatSessions::invalidate;

    @Autowired
    ChatSessions(
            RealtimeSessionFactory realtime,
            MessageCache cache,
            ChatProperties properties,
            DirectusReadPositions readPositions,
            Rooms rooms,
            Fragments fragments,
            Logins logins,
            com.directuschat.directus.DirectusClient directus,
            MeterRegistry meters,
            @Qualifier("chatWorkers") Executor workers,
            @Qualifier("chatTimer") TaskScheduler timer) {
        this(
                (tokens, listener) -> {
                    RealtimeSession session = realtime.open(tokens, listener);
                    return session::close;
                },
                cache,
                properties,
                workers,
                timer,
                new ChatMetrics(meters));
        RoomDirectory directory = new RoomDirectory() {
            @Override
            public long roomOf(ChatMessage message) {
                return rooms.roomOf(message);
            }

            @Override
            public String roomList(Map<Long, Integer> unread, Map<Long, Integer> mentions, ChatRoom current) {
                return fragments.roomList(
                        Rooms.links(rooms.known(), unread, mentions, current, fragments.contextPath()));
            }
        };
        this.ender = logins::endSession;
        this.readsEveryRoom = new EveryRoomCheck(directus::readsEveryMessage);
        this.readers = (tokens, userId) -> new Reader(
                userId,
                new Unread(
                        (room, lastRead) -> readPositions.saveReadPosition(tokens, userId, room, lastRead),
                        properties.readPositionSaveDelay(),
                        workers,
                        timer),
                directory);
    }

    ChatSessions(
            RealtimeLease.Opener opener,
            MessageSource source,
            ChatProperties properties,
            Executor workers,
            TaskScheduler timer,
            ChatMetrics metrics) {
        this.opener = opener;
        this.metrics = metrics;
        metrics.streams(
                sessions,
                all -> all.values().stream().mapToInt(ChatSession::streamCount).sum());
        metrics.localReaders(
                sessions,
                all -> all.values().stream().filter(ChatSession::readsEveryRoom).count());
        this.source = source;
        this.properties = properties;
        this.workers = workers;
        this.timer = timer;
        Duration interval = properties.heartbeatInterval();
        this.heartbeats = timer.scheduleAtFixedRate(
                () -> sessions.values().forEach(ChatSession::heartbeat),
                timer.getClock().instant().plus(interval),
                interval);
    }

    /**
     * The chat session of this HTTP session. Nothing connects here: the realtime session opens when a stream
     * attaches, outside this map's compute, because a refused token ends the login and removes it from the map.
     */
    ChatSession of(HttpSession httpSession, AccessTokenSource tokens) {
        return of(httpSession, tokens, null);
    }

    /** The same, for the user with this id: it also keeps the user's unread counts and read positions. */
    ChatSession of(HttpSession httpSession, AccessTokenSource tokens, String userId) {
        return sessions.computeIfAbsent(
                httpSession.getId(),
                id -> new ChatSession(
                        tokens,
                        readers == null || userId == null ? null : readers.apply(tokens, userId),
                        opener,
                        source,
                        properties,
                        new SerialExecutor(workers),
                        workers,
                        timer,
                        () -> ender.accept(httpSession)));
    }

    /** A new stream of this session: its login's access is asked once, for {@link #each}'s local deliveries. */
    void streamOpened(ChatSession session) {
        session.checkAccess(readsEveryRoom);
    }

    /** Every chat session on this instance (for changes made through this chat: {@link LocalFanOut}). */
    void each(Consumer<ChatSession> action) {
        sessions.values().forEach(action);
    }

    /** Only for tests of delivery alone: whether a login reads every room. */
    void readsEveryRoom(java.util.function.Predicate<AccessTokenSource> check) {
        this.readsEveryRoom = check;
    }

    /** False once the app is stopping: a new stream is refused then, and its browser tries another instance. */
    boolean acceptsStreams() {
        return !draining;
    }

    /** A new stream's writer: its own serial lane on the shared pool, so a stalled tab blocks only itself. */
    Executor streamWriter() {
        return new SerialExecutor(workers);
    }

    /** Where a stream is cut off when it overflows; never the stream's own (stalled) writer lane. */
    Executor closer() {
        return workers;
    }

    ChatMetrics metrics() {
        return metrics;
    }

    ChatSession find(String sessionId) {
        return sessions.get(sessionId);
    }

    @EventListener
    void loginEnded(LoginEnded ended) {
        loginEnded(ended.sessionId());
    }

    void loginEnded(String sessionId) {
        ChatSession session = sessions.remove(sessionId);
        if (session != null) {
            session.close();
        }
    }

    private static void invalidate(HttpSession httpSession) {
        try {
            httpSession.invalidate();
        } catch (IllegalStateException alreadyInvalid) {
            // Ended meanwhile by another path; the session-end hook has run.
        }
    }

    /** Also after a stop: a stopped context can be started again (Spring's test context cache pauses idle ones). */
    @Override
    public void start() {
        draining = false;
        running = true;
    }

    /**
     * Our app stops: the logins outlive us (another instance, or this one restarted, goes on with them), so the
     * streams end without a session-ended notice and the tokens are not revoked; the browsers reconnect and resume
     * by id wherever the balancer sends them. This runs before the web server's graceful shutdown, which would
     * otherwise wait its whole timeout for the open streams and then tear them down.
     */
    @Override
    public void stop() {
        draining = true;
        running = false;
        sessions.values().forEach(ChatSession::shutdown);
        sessions.clear();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public void destroy() {
        stop();
        heartbeats.cancel(false);
    }
}
