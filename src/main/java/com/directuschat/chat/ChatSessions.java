package com.directuschat.chat;

import java.util.Map;
import java.util.function.BiFunction;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.servlet.http.HttpSession;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.stereotype.Component;

import com.directuschat.auth.LoginEnded;
import com.directuschat.directus.AccessTokenSource;
import com.directuschat.directus.ChatMessage;
import com.directuschat.directus.ChatRoom;
import com.directuschat.directus.DirectusClient;
import com.directuschat.directus.RealtimeSession;
import com.directuschat.directus.RealtimeSessionFactory;

/** The chat sessions of all logged-in HTTP sessions, by session id; each lives and dies with its session. */
@Component
class ChatSessions implements DisposableBean {

    private final Map<String, ChatSession> sessions = new ConcurrentHashMap<>();
    private final RealtimeLease.Opener opener;
    private final ChatSession.MessageSource source;
    private final ChatProperties properties;
    private final MessageStream.StreamStats stats = new MessageStream.StreamStats();
    private final ExecutorService workers;
    private final ScheduledExecutorService timer;
    /** Makes a login's reader (unread counts, read positions, rooms); null in tests of delivery alone. */
    private BiFunction<AccessTokenSource, String, ChatSession.Reader> readers;

    @Autowired
    ChatSessions(RealtimeSessionFactory realtime, MessageCache cache, ChatProperties properties,
            DirectusClient directus, Rooms rooms, Fragments fragments) {
        this((tokens, listener) -> {
            RealtimeSession session = realtime.open(tokens, listener);
            return session::close;
        }, cache, properties, Executors.newCachedThreadPool(threads("chat-session-")),
                Executors.newSingleThreadScheduledExecutor(threads("chat-timer-")));
        ChatSession.RoomDirectory directory = new ChatSession.RoomDirectory() {
            @Override
            public long roomOf(ChatMessage message) {
                return rooms.roomOf(message);
            }

            @Override
            public String roomList(Map<Long, Integer> unread, ChatRoom current) {
                return fragments.roomList(Rooms.links(rooms.known(), unread, current, fragments.contextPath()));
            }
        };
        this.readers = (tokens, userId) -> new ChatSession.Reader(userId,
                new Unread((room, lastRead) -> directus.saveReadPosition(tokens, userId, room, lastRead),
                        properties.readPositionSaveDelay(), workers, timer),
                directory);
    }

    ChatSessions(RealtimeLease.Opener opener, ChatSession.MessageSource source, ChatProperties properties,
            ExecutorService workers, ScheduledExecutorService timer) {
        this.opener = opener;
        this.source = source;
        this.properties = properties;
        this.workers = workers;
        this.timer = timer;
        long interval = properties.heartbeatInterval().toMillis();
        timer.scheduleAtFixedRate(() -> sessions.values().forEach(ChatSession::heartbeat), interval, interval,
                TimeUnit.MILLISECONDS);
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
        return sessions.computeIfAbsent(httpSession.getId(), id -> new ChatSession(tokens,
                readers == null || userId == null ? null : readers.apply(tokens, userId), opener, source, properties,
                new SerialExecutor(workers), workers, timer, () -> endLogin(httpSession)));
    }

    /** Logins that hold a Directus realtime socket right now (those with a tab open, or closed very recently). */
    int openRealtimeSessions() {
        return (int) sessions.values().stream().filter(ChatSession::isConnected).count();
    }

    /** A new stream's writer: its own serial lane on the shared pool, so a stalled tab blocks only itself. */
    Executor streamWriter() {
        return new SerialExecutor(workers);
    }

    /** Where a stream is cut off when it overflows; never the stream's own (stalled) writer lane. */
    Executor closer() {
        return workers;
    }

    MessageStream.StreamStats stats() {
        return stats;
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

    private static void endLogin(HttpSession httpSession) {
        try {
            httpSession.invalidate();
        }
        catch (IllegalStateException alreadyInvalid) {
            // Ended meanwhile by another path; the session-end hook has run.
        }
    }

    /**
     * Our app stops: the logins themselves may outlive us (a restarted app, a shared session store), so the
     * streams end without a session-ended notice; the browser reconnects and learns the truth then.
     * <p>
     * This runs when the context starts closing, before the web server's graceful shutdown, which would
     * otherwise wait its whole timeout for the open streams and then tear them down.
     */
    @EventListener(ContextClosedEvent.class)
    void closing() {
        sessions.values().forEach(ChatSession::shutdown);
        sessions.clear();
    }

    @Override
    public void destroy() {
        closing();
        timer.shutdownNow();
        workers.shutdown();
    }

    private static CustomizableThreadFactory threads(String prefix) {
        CustomizableThreadFactory factory = new CustomizableThreadFactory(prefix);
        factory.setDaemon(true);
        return factory;
    }
}
