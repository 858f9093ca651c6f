package com.directuschat.chat;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.servlet.http.HttpSession;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.stereotype.Component;

import com.directuschat.auth.DirectusAuthentication;
import com.directuschat.auth.LoginEndedListener;
import com.directuschat.directus.DirectusClient;
import com.directuschat.directus.RealtimeSessionFactory;

/** The chat sessions of all logged-in HTTP sessions, by session id; each lives and dies with its session. */
@Component
class ChatSessions implements LoginEndedListener, DisposableBean {

    private final Map<String, ChatSession> sessions = new ConcurrentHashMap<>();
    private final DirectusClient directus;
    private final RealtimeSessionFactory realtime;
    private final ChatProperties properties;
    private final MessageStream.StreamStats stats = new MessageStream.StreamStats();
    private final ExecutorService workers = Executors.newCachedThreadPool(threads("chat-session-"));
    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(threads("sse-heartbeat-"));

    ChatSessions(DirectusClient directus, RealtimeSessionFactory realtime, ChatProperties properties) {
        this.directus = directus;
        this.realtime = realtime;
        this.properties = properties;
        long interval = properties.heartbeatInterval().toMillis();
        heartbeats.scheduleAtFixedRate(() -> sessions.values().forEach(ChatSession::heartbeat), interval, interval,
                TimeUnit.MILLISECONDS);
    }

    /** The chat session of this HTTP session, opening its realtime session on first use. */
    ChatSession of(HttpSession httpSession, DirectusAuthentication login) {
        return sessions.computeIfAbsent(httpSession.getId(), id -> {
            ChatSession session = new ChatSession(login.tokens(), directus, properties,
                    new SerialExecutor(workers), () -> endLogin(httpSession));
            session.connect(listener -> realtime.open(login.tokens(), listener));
            return session;
        });
    }

    int openRealtimeSessions() {
        return sessions.size();
    }

    /** A new stream's writer: its own serial lane on the shared pool, so a stalled tab blocks only itself. */
    Executor streamWriter() {
        return new SerialExecutor(workers);
    }

    MessageStream.StreamStats stats() {
        return stats;
    }

    ChatSession find(String sessionId) {
        return sessions.get(sessionId);
    }

    @Override
    public void loginEnded(String sessionId) {
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
        heartbeats.shutdownNow();
        workers.shutdown();
    }

    private static CustomizableThreadFactory threads(String prefix) {
        CustomizableThreadFactory factory = new CustomizableThreadFactory(prefix);
        factory.setDaemon(true);
        return factory;
    }
}
