package com.directuschat.chat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.directuschat.directus.AccessTokenSource;
import com.directuschat.directus.ChatMessage;
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

    /** Opens a login's realtime session; the handle closes it. */
    @FunctionalInterface
    interface RealtimeOpener {
        Handle open(AccessTokenSource tokens, RealtimeListener listener);
    }

    @FunctionalInterface
    interface Handle {
        void close();
    }

    /** Where messages come from: shared reads for realtime ids, and replays. */
    interface MessageSource {

        /** The readable messages among {@code ids}, by id; absent ones were deleted or are not readable. */
        CompletableFuture<Map<Long, ChatMessage>> read(List<Long> ids, AccessTokenSource tokens);

        /** Messages with an id above {@code afterId}, in id order (blocking). */
        List<ChatMessage> after(AccessTokenSource tokens, long afterId, int limit);
    }

    private static final Logger log = LoggerFactory.getLogger(ChatSession.class);

    private final AccessTokenSource tokens;
    private final RealtimeOpener opener;
    private final MessageSource source;
    private final ChatProperties properties;
    private final Executor serial;
    private final Executor worker;
    private final ScheduledExecutorService timer;
    private final Runnable onAuthLost;
    private final Set<MessageStream> streams = new CopyOnWriteArraySet<>();
    private final List<Long> pendingIds = new ArrayList<>();
    private boolean flushQueued;
    /** Deliveries in event order, although their reads may complete in any order. Touched on the serial lane only. */
    private CompletableFuture<Void> deliveries = CompletableFuture.completedFuture(null);
    private Handle realtime;
    /** Read without the lock by realtime callbacks, which run under the realtime session's own lock. */
    private volatile long generation;
    private volatile boolean ended;
    private ScheduledFuture<?> idleClose;
    private volatile RealtimeSession.State state = RealtimeSession.State.CONNECTING;

    ChatSession(AccessTokenSource tokens, RealtimeOpener opener, MessageSource source, ChatProperties properties,
            Executor serial, Executor worker, ScheduledExecutorService timer, Runnable onAuthLost) {
        this.tokens = tokens;
        this.opener = opener;
        this.source = source;
        this.properties = properties;
        this.serial = serial;
        this.worker = worker;
        this.timer = timer;
        this.onAuthLost = onAuthLost;
    }

    void attach(MessageStream stream) {
        // Held before it can receive anything live: a live id must not move the replay's starting point.
        stream.hold();
        streams.add(stream);
        openRealtime();
        serial.execute(() -> {
            stream.status(state);
            replay(stream);
        });
    }

    void detach(MessageStream stream) {
        stream.markClosed();
        streams.remove(stream);
        if (streams.isEmpty()) {
            scheduleIdleClose();
        }
    }

    void heartbeat() {
        serial.execute(() -> streams.forEach(MessageStream::heartbeat));
    }

    /** Whether a Directus realtime session is open (or opening) for this login. */
    synchronized boolean isConnected() {
        return realtime != null;
    }

    /** The login ended: tell every tab, close them, and close the realtime session. */
    void close() {
        closeRealtime(true);
        serial.execute(() -> {
            streams.forEach(MessageStream::sessionEnded);
            streams.clear();
        });
    }

    /** Our app is stopping: close the realtime session and end the streams without a verdict. */
    void shutdown() {
        closeRealtime(true);
        streams.forEach(MessageStream::complete);
        streams.clear();
    }

    List<MessageStream> streams() {
        return List.copyOf(streams);
    }

    private synchronized void openRealtime() {
        cancelIdleClose();
        if (ended || realtime != null) {
            return;
        }
        long current = ++generation;
        state = RealtimeSession.State.CONNECTING;
        // May end the login at once (a refused token): close() then runs re-entrantly and sets ended.
        Handle opened = opener.open(tokens, new Events(current));
        if (ended || current != generation) {
            opened.close();
        }
        else {
            realtime = opened;
        }
    }

    private synchronized void scheduleIdleClose() {
        if (ended || realtime == null || idleClose != null) {
            return;
        }
        long delay = properties.realtimeIdleTimeout().toMillis();
        // The timer is shared: closing (which takes this session's lock) runs on a worker.
        idleClose = timer.schedule(() -> worker.execute(this::closeIfIdle), delay, TimeUnit.MILLISECONDS);
    }

    private void closeIfIdle() {
        synchronized (this) {
            idleClose = null;
            if (!streams.isEmpty()) {
                return;
            }
        }
        closeRealtime(false);
    }

    /** Closes the handle outside this lock: the realtime session calls back into us under its own lock. */
    private void closeRealtime(boolean end) {
        Handle handle;
        synchronized (this) {
            ended |= end;
            cancelIdleClose();
            generation++;
            handle = realtime;
            realtime = null;
        }
        if (handle != null) {
            handle.close();
        }
    }

    private void cancelIdleClose() {
        if (idleClose != null) {
            idleClose.cancel(false);
            idleClose = null;
        }
    }

    private boolean isCurrent(long eventsGeneration) {
        return eventsGeneration == generation && !ended;
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
        for (long id : read.ids()) {
            ChatMessage message = read.found().get(id);
            if (message != null) {
                for (MessageStream stream : streams) {
                    stream.deliver(message);
                    if (stream.isClosed()) {
                        streams.remove(stream);
                    }
                }
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
                return source.after(tokens, Math.max(0, after - properties.backfillOverlap()), properties.backfillLimit());
            }
            catch (DirectusException e) {
                log.info("Backfill failed ({}); it is retried when the realtime session is live again", e.code());
                return List.of();
            }
        });
    }

    private record Read(List<Long> ids, Map<Long, ChatMessage> found, Throwable error) {
    }

    /** One realtime session's events; those of a session closed meanwhile are ignored. */
    private final class Events implements RealtimeListener {

        private final long eventsGeneration;

        Events(long eventsGeneration) {
            this.eventsGeneration = eventsGeneration;
        }

        @Override
        public void onLive() {
            if (isCurrent(eventsGeneration)) {
                serial.execute(ChatSession.this::replayAll);
            }
        }

        @Override
        public void onMessageCreated(long id) {
            if (isCurrent(eventsGeneration)) {
                messageCreated(id);
            }
        }

        @Override
        public void onStateChanged(RealtimeSession.State next) {
            if (isCurrent(eventsGeneration)) {
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
