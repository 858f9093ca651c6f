package com.directuschat.chat;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.Executor;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.directuschat.directus.AccessTokenSource;
import com.directuschat.directus.ChatMessage;
import com.directuschat.directus.DirectusClient;
import com.directuschat.directus.DirectusException;
import com.directuschat.directus.RealtimeListener;
import com.directuschat.directus.RealtimeSession;

/**
 * What one logged-in HTTP session has open: its Directus realtime session and its tabs' SSE streams.
 * Realtime events are handled in order on one serial executor; each tab then replays and writes on its own
 * lane ({@link MessageStream}), so a slow tab holds up nobody else.
 */
final class ChatSession implements RealtimeListener {

    private static final Logger log = LoggerFactory.getLogger(ChatSession.class);

    private final AccessTokenSource tokens;
    private final DirectusClient directus;
    private final ChatProperties properties;
    private final Executor serial;
    private final Runnable onAuthLost;
    private final Set<MessageStream> streams = new CopyOnWriteArraySet<>();
    private volatile RealtimeSession realtime;
    private volatile RealtimeSession.State state = RealtimeSession.State.CONNECTING;

    ChatSession(AccessTokenSource tokens, DirectusClient directus, ChatProperties properties, Executor serial,
            Runnable onAuthLost) {
        this.tokens = tokens;
        this.directus = directus;
        this.properties = properties;
        this.serial = serial;
        this.onAuthLost = onAuthLost;
    }

    void connect(Function<RealtimeListener, RealtimeSession> opener) {
        realtime = opener.apply(this);
    }

    void attach(MessageStream stream) {
        streams.add(stream);
        serial.execute(() -> {
            stream.status(state);
            if (state == RealtimeSession.State.LIVE) {
                backfill(List.of(stream));
            }
        });
    }

    void detach(MessageStream stream) {
        stream.markClosed();
        streams.remove(stream);
    }

    void heartbeat() {
        serial.execute(() -> streams.forEach(MessageStream::heartbeat));
    }

    /** The login ended: tell every tab, close them, and close the realtime session. */
    void close() {
        RealtimeSession session = realtime;
        if (session != null) {
            session.close();
        }
        serial.execute(() -> {
            streams.forEach(MessageStream::sessionEnded);
            streams.clear();
        });
    }

    /** Our app is stopping: close the realtime session and end the streams without a verdict. */
    void shutdown() {
        RealtimeSession session = realtime;
        if (session != null) {
            session.close();
        }
        streams.forEach(MessageStream::complete);
        streams.clear();
    }

    @Override
    public void onLive() {
        serial.execute(() -> backfill(List.copyOf(streams)));
    }

    @Override
    public void onMessageCreated(long id) {
        // Placeholder until the chat package's rewrite: read each created message by id, in order.
        serial.execute(() -> {
            ChatMessage message;
            try {
                message = directus.message(tokens, id);
            }
            catch (DirectusException e) {
                log.info("Could not read message {} ({}); the next backfill replays it", id, e.code());
                return;
            }
            streams.forEach(stream -> deliver(stream, message));
        });
    }

    @Override
    public void onStateChanged(RealtimeSession.State next) {
        state = next;
        serial.execute(() -> streams.forEach(stream -> stream.status(next)));
    }

    @Override
    public void onAuthLost() {
        onAuthLost.run();
    }

    List<MessageStream> streams() {
        return List.copyOf(streams);
    }

    /**
     * Each tab replays from Directus what it may have missed, from a little below its position (on PostgreSQL
     * a lower id can commit after a higher one); what it already has is dropped by id.
     */
    private void backfill(List<MessageStream> targets) {
        for (MessageStream stream : targets) {
            stream.backfill(after -> {
                try {
                    return directus.messagesAfter(tokens, Math.max(0, after - properties.backfillOverlap()),
                            properties.backfillLimit());
                }
                catch (DirectusException e) {
                    log.info("Backfill failed ({}); it is retried when the realtime session is live again", e.code());
                    return List.of();
                }
            });
        }
    }

    private void deliver(MessageStream stream, ChatMessage message) {
        stream.deliver(message);
        if (stream.isClosed()) {
            streams.remove(stream);
        }
    }
}
