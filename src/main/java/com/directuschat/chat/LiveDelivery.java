package com.directuschat.chat;

import com.directuschat.directus.AccessTokenSource;
import com.directuschat.directus.ChatMessage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ChatSession}'s changes to its tabs. Directus's realtime events go on the serial lane, in event order,
 * although the reads they wait for may complete in any order. Changes made through this chat (here, or on another
 * instance that published them) come first, straight from the send, edit or delete ({@link #local}); Directus's
 * event for the same change then only confirms it (a message moves the tab's position, see {@link SentIds}) and is
 * not sent again.
 */
final class LiveDelivery {

    // Logged as the session's, as before this class was split out of it.
    private static final Logger log = LoggerFactory.getLogger(ChatSession.class);

    private final AccessTokenSource tokens;
    private final MessageSource source;
    private final Executor serial;
    private final Reader reader;
    private final Set<MessageStream> streams;
    private final Replays replays;
    private final List<Long> pendingIds = new ArrayList<>();
    /** Messages already counted towards unread or read (once, whichever of the local and Directus paths came first). */
    private final RecentIds counted = new RecentIds(256);
    /** Edits and deletes delivered from this chat already: Directus's event for them is not sent again. */
    private final LocalChanges localChanges = new LocalChanges();

    private boolean flushQueued;
    /** Deliveries in event order, although their reads may complete in any order. Touched on the serial lane only. */
    private CompletableFuture<Void> deliveries = CompletableFuture.completedFuture(null);

    LiveDelivery(
            AccessTokenSource tokens,
            MessageSource source,
            Executor serial,
            Reader reader,
            Set<MessageStream> streams,
            Replays replays) {
        this.tokens = tokens;
        this.source = source;
        this.serial = serial;
        this.reader = reader;
        this.streams = streams;
        this.replays = replays;
    }

    void messageCreated(long id) {
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
            log.info(
                    "Reading new messages failed ({}); replaying instead",
                    read.error().toString());
            replays.all();
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

    /**
     * Changes made through this chat, before Directus's events for them: on the caller's thread (the send's, or the
     * Redis listener's), since each tab's lock keeps its state and the writes go out on its own lane. Only for a
     * login that may read every room ({@code readsEveryRoom}); others wait for Directus, which decides what they get.
     */
    void local(ChatMessage message) {
        boolean shown = false;
        for (MessageStream stream : streams) {
            if (stream.shows(message)) {
                shown = true;
                stream.deliverLocal(message);
            }
        }
        if (counted(message, shown)) {
            sendRoomLists();
        }
    }

    /** An edit made through this chat. */
    void localUpdate(ChatMessage message) {
        localChanges.edited(message);
        toStreams(stream -> {
            if (stream.shows(message)) {
                stream.update(message);
            }
        });
    }

    /** A delete made through this chat. */
    void localDelete(List<Long> ids) {
        localChanges.deleted(ids);
        toStreams(stream -> stream.deleted(ids));
    }

    /** A message shown in a tab is read; one by someone else in a room no tab shows is unread. Once per message. */
    private boolean counted(ChatMessage message, boolean shown) {
        if (reader == null) {
            return false;
        }
        synchronized (counted) {
            if (counted.contains(message.id())) {
                return false;
            }
            counted.add(message.id());
        }
        long room = reader.rooms().roomOf(message);
        if (shown) {
            reader.unread().read(room, message.id());
            return false;
        }
        return !reader.userId().equals(message.authorId())
                && reader.unread().arrived(room, message.id(), Mentions.mentions(message.content(), reader.userId()));
    }

    /** Every tab gets its room list with the current unread counts; runs on the serial lane. */
    void sendRoomLists() {
        if (reader == null) {
            return;
        }
        Map<Long, Integer> counts = reader.unread().counts();
        Map<Long, Integer> mentions = reader.unread().mentions();
        try {
            for (MessageStream stream : streams) {
                if (stream.room() != null) {
                    stream.event("rooms", reader.rooms().roomList(counts, mentions, stream.room()));
                }
            }
        } catch (RuntimeException e) {
            // The counts are right again on the next page; messages must not wait for them.
            log.warn("Updating the room lists failed: {}", e.toString());
        }
    }

    /** An edit: its message (read once per instance per version) goes to every tab, in event order. */
    void messageUpdated(long id, Instant updatedAt) {
        serial.execute(() -> inOrder(source.updated(id, updatedAt, tokens), (message, error) -> {
            if (error != null) {
                // The tabs get the edit with their next replay (it re-sends the edited messages they may show).
                log.info("Reading edited message {} failed ({})", id, error.toString());
            } else if (message != null && !localChanges.alreadyEdited(message)) {
                toStreams(stream -> {
                    if (stream.shows(message)) {
                        stream.update(message);
                    }
                });
            }
        }));
    }

    /** A delete: nothing to read; it goes to every tab, in event order. */
    void messagesDeleted(List<Long> ids) {
        source.deleted(ids);
        if (localChanges.alreadyDeleted(ids)) {
            return;
        }
        serial.execute(() -> inOrder(
                CompletableFuture.completedFuture(null), (ignored, error) -> toStreams(stream -> stream.deleted(ids))));
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

    private record Read(List<Long> ids, Map<Long, ChatMessage> found, Throwable error) {}

    private record Outcome<T>(T value, Throwable error) {}
}
