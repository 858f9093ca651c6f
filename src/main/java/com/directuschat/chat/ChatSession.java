package com.directuschat.chat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.directuschat.directus.AccessTokenSource;
import com.directuschat.directus.ChatMessage;
import com.directuschat.directus.ChatRoom;
import com.directuschat.directus.DirectusException;
import com.directuschat.directus.RealtimeListener;
import com.directuschat.directus.RealtimeSession;

/**
 * What one logged-in HTTP session has open: its Directus realtime session and its tabs' SSE streams.
 * Realtime events are handled in order on one serial lane; each tab then replays and writes on its own lane
 * ({@link MessageStream}), so a slow tab holds up nobody else.
 * <p>
 * The realtime session follows the tabs: it opens with the first stream and closes when no stream has been
 * open for the idle timeout. The login itself (its tokens) stays; the next tab reopens the socket and replays.
 */
final class ChatSession {

    /** Where messages come from: shared reads for realtime ids, and replays. */
    interface MessageSource {

        /** The readable messages among {@code ids}, by id; absent ones were deleted or are not readable. */
        CompletableFuture<Map<Long, ChatMessage>> read(List<Long> ids, AccessTokenSource tokens);

        /** Messages of {@code room} with an id above {@code afterId}, in id order (blocking). */
        List<ChatMessage> after(AccessTokenSource tokens, ChatRoom room, long afterId, int limit);

        /**
         * The message as of its edit {@code updatedAt} or later (null: unknown version); completes with null when it
         * is gone or not readable.
         */
        default CompletableFuture<ChatMessage> updated(long id, Instant updatedAt, AccessTokenSource tokens) {
            return read(List.of(id), tokens).thenApply(found -> found.get(id));
        }

        /** These messages were deleted. */
        default void deleted(List<Long> ids) {
        }

        /**
         * What exists of the {@code size} newest messages of {@code room} up to {@code upToId}, for a tab resuming
         * there (blocking); null when this source cannot say.
         */
        default MessageStream.Window window(AccessTokenSource tokens, ChatRoom room, long upToId, int size) {
            return null;
        }
    }

    /** The rooms as this login sees them: where a message belongs, and the room list a tab shows. */
    interface RoomDirectory {

        /** The id of {@code message}'s room (the default room's for a message without one). */
        long roomOf(ChatMessage message);

        /** The room list for a tab that shows {@code current}, with these unread counts. */
        String roomList(Map<Long, Integer> unread, ChatRoom current);
    }

    /** Who reads, what they have read, and the rooms; absent in tests that only look at delivery. */
    record Reader(String userId, Unread unread, RoomDirectory rooms) {
    }

    private static final Logger log = LoggerFactory.getLogger(ChatSession.class);

    private final AccessTokenSource tokens;
    private final RealtimeLease realtime;
    private final MessageSource source;
    private final ChatProperties properties;
    private final Executor serial;
    private final Executor worker;
    private final Runnable onAuthLost;
    private final Reader reader;
    private final Set<MessageStream> streams = new CopyOnWriteArraySet<>();
    private final List<Long> pendingIds = new ArrayList<>();
    private boolean flushQueued;
    /** Deliveries in event order, although their reads may complete in any order. Touched on the serial lane only. */
    private CompletableFuture<Void> deliveries = CompletableFuture.completedFuture(null);
    private volatile RealtimeSession.State state = RealtimeSession.State.CONNECTING;

    ChatSession(AccessTokenSource tokens, RealtimeLease.Opener opener, MessageSource source, ChatProperties properties,
            Executor serial, Executor worker, ScheduledExecutorService timer, Runnable onAuthLost) {
        this(tokens, null, opener, source, properties, serial, worker, timer, onAuthLost);
    }

    ChatSession(AccessTokenSource tokens, Reader reader, RealtimeLease.Opener opener, MessageSource source,
            ChatProperties properties, Executor serial, Executor worker, ScheduledExecutorService timer,
            Runnable onAuthLost) {
        this.reader = reader;
        this.worker = worker;
        this.tokens = tokens;
        this.realtime = new RealtimeLease(tokens, opener, properties.realtimeIdleTimeout(), worker, timer);
        this.source = source;
        this.properties = properties;
        this.serial = serial;
        this.onAuthLost = onAuthLost;
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
            replay(stream);
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
        if (reader == null) {
            return;
        }
        reader.unread().reset(counts, positions);
        reader.unread().opened(shown.id(), newestShown);
        serial.execute(this::sendRoomLists);
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

    private void messageCreated(long id) {
        synchronized (pendingIds) {
            pendingIds.add(id);
            if (flushQueued) {
                return;
            }
            flushQueued = true;
        }
        serial.execute(this::readPending);
    }

    /** Ids that arrived together are read together; their delivery keeps the order they arrived in. */
    private void readPending() {
        List<Long> ids;
        synchronized (pendingIds) {
            ids = List.copyOf(pendingIds);
            pendingIds.clear();
            flushQueued = false;
        }
        CompletableFuture<Map<Long, ChatMessage>> read = source.read(ids, tokens);
        if (deliveries.isDone() && read.isDone()) {
            // The usual case (a cache hit, nothing ahead of it): deliver now, without another hop on the lane.
            deliver(read.handle((found, error) -> new Read(ids, found, error)).join());
            return;
        }
        deliveries = deliveries
                .thenCompose(previous -> read.handle((found, error) -> new Read(ids, found, error)))
                .thenAcceptAsync(this::deliver, serial)
                .exceptionally(error -> {
                    log.warn("Delivering messages failed: {}", error.toString());
                    return null;
                });
    }

    private void deliver(Read read) {
        if (read.error() != null) {
            // This session's tabs replay from Directus instead, so nothing is lost.
            log.info("Reading new messages failed ({}); replaying instead", read.error().toString());
            replayAll();
            return;
        }
        boolean unreadChanged = false;
        for (long id : read.ids()) {
            ChatMessage message = read.found().get(id);
            if (message != null) {
                boolean shown = false;
                for (MessageStream stream : streams) {
                    if (stream.shows(message)) {
                        shown = true;
                        stream.deliver(message);
                        if (stream.isClosed()) {
                            streams.remove(stream);
                        }
                    }
                }
                unreadChanged |= counted(message, shown);
            }
        }
        if (unreadChanged) {
            sendRoomLists();
        }
    }

    /** A message shown in a tab is read; one by someone else in a room no tab shows is unread. */
    private boolean counted(ChatMessage message, boolean shown) {
        if (reader == null) {
            return false;
        }
        long room = reader.rooms().roomOf(message);
        if (shown) {
            reader.unread().read(room, message.id());
            return false;
        }
        return !reader.userId().equals(message.authorId()) && reader.unread().arrived(room, message.id());
    }

    private void sendRoomLists() {
        if (reader == null) {
            return;
        }
        Map<Long, Integer> counts = reader.unread().counts();
        try {
            for (MessageStream stream : streams) {
                if (stream.room() != null) {
                    stream.event("rooms", reader.rooms().roomList(counts, stream.room()));
                }
            }
        }
        catch (RuntimeException e) {
            // The counts are right again on the next page; messages must not wait for them.
            log.warn("Updating the room lists failed: {}", e.toString());
        }
    }

    /** An edit: its message (read once per instance per version) goes to every tab, in event order. */
    private void messageUpdated(long id, Instant updatedAt) {
        serial.execute(() -> inOrder(source.updated(id, updatedAt, tokens), (message, error) -> {
            if (error != null) {
                // The tabs get the edit with their next replay (it re-sends the edited messages they may show).
                log.info("Reading edited message {} failed ({})", id, error.toString());
            }
            else if (message != null) {
                toStreams(stream -> {
                    if (stream.shows(message)) {
                        stream.update(message);
                    }
                });
            }
        }));
    }

    /** A delete: nothing to read; it goes to every tab, in event order. */
    private void messagesDeleted(List<Long> ids) {
        source.deleted(ids);
        serial.execute(() -> inOrder(CompletableFuture.completedFuture(null),
                (ignored, error) -> toStreams(stream -> stream.deleted(ids))));
    }

    /** Runs {@code deliver} on the serial lane once {@code work} and every delivery queued before it are done. */
    private <T> void inOrder(CompletableFuture<T> work, BiConsumer<T, Throwable> deliver) {
        if (deliveries.isDone() && work.isDone()) {
            Outcome<T> outcome = work.handle(Outcome<T>::new).join();
            deliver.accept(outcome.value(), outcome.error());
            return;
        }
        deliveries = deliveries
                .thenCompose(previous -> work.handle(Outcome<T>::new))
                .thenAcceptAsync(outcome -> deliver.accept(outcome.value(), outcome.error()), serial)
                .exceptionally(error -> {
                    log.warn("Delivering a change failed: {}", error.toString());
                    return null;
                });
    }

    private void toStreams(Consumer<MessageStream> action) {
        for (MessageStream stream : streams) {
            action.accept(stream);
            if (stream.isClosed()) {
                streams.remove(stream);
            }
        }
    }

    private void replayAll() {
        streams.forEach(stream -> {
            stream.hold();
            replay(stream);
        });
    }

    /**
     * The tab replays from Directus what it may have missed, from a little below its position (on PostgreSQL
     * a lower id can commit after a higher one); what it already has is dropped by id.
     */
    private void replay(MessageStream stream) {
        stream.replay(after -> {
            try {
                List<ChatMessage> missed = source.after(tokens, stream.room(),
                        Math.max(0, after - properties.backfillOverlap()), properties.backfillLimit());
                if (reader != null && stream.room() != null && !missed.isEmpty()) {
                    reader.unread().read(stream.room().id(), missed.get(missed.size() - 1).id());
                }
                return missed;
            }
            catch (DirectusException e) {
                log.info("Backfill failed ({}); it is retried when the realtime session is live again", e.code());
                return List.of();
            }
        }, upTo -> {
            if (upTo <= 0) {
                return null;
            }
            try {
                // The page's first render shows chat.history-size messages: the same range is checked on resume.
                return source.window(tokens, stream.room(), upTo, properties.historySize());
            }
            catch (DirectusException e) {
                log.info("Checking the tab's messages failed ({}); it is retried with the next replay", e.code());
                return null;
            }
        });
    }

    private record Read(List<Long> ids, Map<Long, ChatMessage> found, Throwable error) {
    }

    private record Outcome<T>(T value, Throwable error) {
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
                serial.execute(ChatSession.this::replayAll);
            }
        }

        @Override
        public void onMessageCreated(long id) {
            if (realtime.isCurrent(eventsGeneration)) {
                messageCreated(id);
            }
        }

        @Override
        public void onMessageUpdated(long id, Instant updatedAt) {
            if (realtime.isCurrent(eventsGeneration)) {
                messageUpdated(id, updatedAt);
            }
        }

        @Override
        public void onMessagesDeleted(List<Long> ids) {
            if (realtime.isCurrent(eventsGeneration)) {
                messagesDeleted(ids);
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
