package com.directuschat.chat;

import com.directuschat.directus.AccessTokenSource;
import com.directuschat.directus.ChatMessage;
import com.directuschat.directus.ChatRoom;
import com.directuschat.directus.RealtimeListener;
import com.directuschat.directus.RealtimeSession;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.Executor;
import org.springframework.scheduling.TaskScheduler;

/**
 * What one logged-in HTTP session has open: its Directus realtime session and its tabs' SSE streams.
 * Realtime events are handled in order on one serial lane; each tab then replays and writes on its own lane
 * ({@link MessageStream}), so a slow tab holds up nobody else.
 * <p>
 * The realtime session follows the tabs: it opens with the first stream and closes when no stream has been
 * open for the idle timeout. The login itself (its tokens) stays; the next tab reopens the socket and replays.
 */
final class ChatSession {

    private final RealtimeLease realtime;
    private final Executor serial;
    private final Executor worker;
    private final Runnable onAuthLost;
    private final Reader reader;
    private final Set<MessageStream> streams = new CopyOnWriteArraySet<>();
    private final Replays replays;
    private final LiveDelivery delivery;
    private volatile RealtimeSession.State state = RealtimeSession.State.CONNECTING;
    /** Whether this login may read every room: only then does it get messages straight from sends on this chat. */
    private volatile boolean readsEveryRoom;

    private final java.util.concurrent.atomic.AtomicBoolean accessAsked =
            new java.util.concurrent.atomic.AtomicBoolean();
    private final AccessTokenSource tokens;

    ChatSession(
            AccessTokenSource tokens,
            RealtimeLease.Opener opener,
            MessageSource source,
            ChatProperties properties,
            Executor serial,
            Executor worker,
            TaskScheduler timer,
            Runnable onAuthLost) {
        this(tokens, null, opener, source, properties, serial, worker, timer, onAuthLost);
    }

    ChatSession(
            AccessTokenSource tokens,
            Reader reader,
            RealtimeLease.Opener opener,
            MessageSource source,
            ChatProperties properties,
            Executor serial,
            Executor worker,
            TaskScheduler timer,
            Runnable onAuthLost) {
        this.reader = reader;
        this.tokens = tokens;
        this.worker = worker;
        this.realtime = new RealtimeLease(tokens, opener, properties.realtimeIdleTimeout(), worker, timer);
        this.serial = serial;
        this.onAuthLost = onAuthLost;
        this.replays = new Replays(tokens, source, properties, reader, streams);
        this.delivery = new LiveDelivery(tokens, source, serial, reader, streams, replays);
    }

    /**
     * Asks Directus once, off the caller's thread, whether this login reads every room ({@code check}); until the
     * answer is in, and when it is no, its tabs get everything from Directus's events alone.
     */
    void checkAccess(java.util.function.Predicate<AccessTokenSource> check) {
        if (check != null && accessAsked.compareAndSet(false, true)) {
            worker.execute(() -> {
                try {
                    readsEveryRoom = check.test(tokens);
                } catch (RuntimeException e) {
                    // Asked again with the next stream: until then Directus's events deliver everything.
                    accessAsked.set(false);
                }
            });
        }
    }

    /** Whether this login may read every room (Directus said so), so sends on this chat reach it at once. */
    boolean readsEveryRoom() {
        return readsEveryRoom;
    }

    /**
     * A message created through this chat (here or on another instance), before Directus's event for it; false
     * when this session took no part (no tab open, or a login that waits for Directus).
     */
    boolean localCreated(ChatMessage message) {
        if (readsEveryRoom && !streams.isEmpty()) {
            delivery.local(message);
            return true;
        }
        return false;
    }

    /** A message edited through this chat. */
    void localUpdated(ChatMessage message) {
        if (readsEveryRoom && !streams.isEmpty()) {
            delivery.localUpdate(message);
        }
    }

    /** Messages deleted through this chat (deletes need no read access: a tab only removes what it shows). */
    void localDeleted(List<Long> ids) {
        if (!streams.isEmpty()) {
            delivery.localDelete(ids);
        }
    }

    void attach(MessageStream stream) {
        // The page's earlier stream (another room, before an htmx switch) is gone, even if its connection does not
        // know it yet: it must not take messages, nor count its room as read.
        for (MessageStream earlier : streams) {
            if (earlier.samePage(stream)) {
                streams.remove(earlier);
                earlier.complete();
            }
        }
        // Held before it can receive anything live: a live id must not move the replay's starting point.
        stream.hold();
        streams.add(stream);
        realtime.open(generation -> {
            state = RealtimeSession.State.CONNECTING;
            return new Events(generation);
        });
        serial.execute(() -> {
            stream.status(state);
            replays.replay(stream);
        });
    }

    void detach(MessageStream stream) {
        stream.markClosed();
        streams.remove(stream);
        if (streams.isEmpty()) {
            realtime.closeWhenIdle(streams::isEmpty);
        }
        if (reader != null) {
            // A tab left its room (closed, or switched): what it read is written now, not a minute later.
            worker.execute(reader.unread()::flush);
        }
    }

    /** Unread counts and read positions as Directus has them now (a page of {@code shown} was just rendered). */
    void unreadFromDirectus(Map<Long, Integer> counts, Map<Long, Long> positions, ChatRoom shown, long newestShown) {
        unreadFromDirectus(counts, Map.of(), positions, shown, newestShown);
    }

    /** The same, with the unread messages that mention the user, by room. */
    void unreadFromDirectus(
            Map<Long, Integer> counts,
            Map<Long, Integer> mentions,
            Map<Long, Long> positions,
            ChatRoom shown,
            long newestShown) {
        if (reader == null) {
            return;
        }
        reader.unread().reset(counts, mentions, positions);
        reader.unread().opened(shown.id(), newestShown);
        serial.execute(delivery::sendRoomLists);
    }

    /** Read positions as this login knows them (ahead of Directus by writes not made yet). */
    Map<Long, Long> readPositions() {
        return reader == null ? Map.of() : reader.unread().positions();
    }

    /** The login's unread counts by room id. */
    Map<Long, Integer> unreadCounts() {
        return reader == null ? Map.of() : reader.unread().counts();
    }

    void heartbeat() {
        serial.execute(() -> streams.forEach(MessageStream::heartbeat));
    }

    /** Whether a Directus realtime session is open (or opening) for this login. */
    boolean isConnected() {
        return realtime.isOpen();
    }

    /** The login ended: tell every tab, close them, and close the realtime session. */
    void close() {
        realtime.close(true);
        if (reader != null) {
            worker.execute(reader.unread()::flush);
        }
        serial.execute(() -> {
            streams.forEach(MessageStream::sessionEnded);
            streams.clear();
        });
    }

    /**
     * Our app is stopping: close the realtime socket (the login and its tokens stay: another instance goes on with
     * them), write the read positions, and end the streams without a verdict, so that the browsers reconnect.
     */
    void shutdown() {
        realtime.close(true);
        if (reader != null) {
            worker.execute(reader.unread()::flush);
        }
        streams.forEach(MessageStream::complete);
        streams.clear();
    }

    List<MessageStream> streams() {
        return List.copyOf(streams);
    }

    int streamCount() {
        return streams.size();
    }

    /** One realtime session's events; those of a session closed meanwhile are ignored. */
    private final class Events implements RealtimeListener {

        private final long eventsGeneration;

        Events(long eventsGeneration) {
            this.eventsGeneration = eventsGeneration;
        }

        @Override
        public void onLive() {
            if (realtime.isCurrent(eventsGeneration)) {
                serial.execute(replays::all);
            }
        }

        @Override
        public void onMessageCreated(long id) {
            if (realtime.isCurrent(eventsGeneration)) {
                delivery.messageCreated(id);
            }
        }

        @Override
        public void onMessageUpdated(long id, Instant updatedAt) {
            if (realtime.isCurrent(eventsGeneration)) {
                delivery.messageUpdated(id, updatedAt);
            }
        }

        @Override
        public void onMessagesDeleted(List<Long> ids) {
            if (realtime.isCurrent(eventsGeneration)) {
                delivery.messagesDeleted(ids);
            }
        }

        @Override
        public void onStateChanged(RealtimeSession.State next) {
            if (realtime.isCurrent(eventsGeneration)) {
                state = next;
                serial.execute(() -> streams.forEach(stream -> stream.status(next)));
            }
        }

        @Override
        public void onAuthLost() {
            onAuthLost.run();
        }
    }
}
