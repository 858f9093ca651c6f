package com.directuschat.chat;

import java.io.IOException;
import java.time.ZoneId;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongFunction;

import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import com.directuschat.directus.ChatMessage;
import com.directuschat.directus.RealtimeSession;

/**
 * One browser tab's SSE stream. Delivers each message at most once: ids at or below the floor, or among
 * the recently sent ones, are dropped. That de-duplicates backfill (which overlaps on purpose, since a
 * lower id can commit after a higher one) against live events.
 * <p>
 * Writes go through a bounded queue drained on the stream's own serial executor, so a stalled tab blocks
 * nobody else; when the queue overflows the stream is closed, and the browser reconnects and is replayed.
 * That close runs on {@code closer}, not behind the stalled write on the writer lane.
 */
final class MessageStream {

    private static final int RECENT_IDS = 512;

    private final SseEmitter emitter;
    private final ZoneId zone;
    private final Fragments fragments;
    private final int capacity;
    private final Executor writer;
    private final Executor closer;
    private final StreamStats stats;
    private final Deque<SseEmitter.SseEventBuilder> queue = new ArrayDeque<>();
    private final RecentIds recent = new RecentIds(RECENT_IDS);
    private final TreeMap<Long, ChatMessage> held = new TreeMap<>();
    private int backfills;
    private long floor;
    private long highest;
    private boolean closed;

    MessageStream(SseEmitter emitter, long since, ZoneId zone, Fragments fragments, int capacity, Executor writer,
            Executor closer, StreamStats stats) {
        this.emitter = emitter;
        this.floor = since;
        this.highest = since;
        this.zone = zone;
        this.fragments = fragments;
        this.capacity = capacity;
        this.writer = writer;
        this.closer = closer;
        this.stats = stats;
    }

    /** The highest id sent: where a backfill for this stream starts (minus the overlap). */
    synchronized long position() {
        return highest;
    }

    /** After a data reset the browser may be ahead of Directus; it then goes live without replay. */
    synchronized void clampTo(long newest) {
        if (highest > newest) {
            floor = newest;
            highest = newest;
        }
    }

    synchronized boolean isClosed() {
        return closed;
    }

    synchronized void deliver(ChatMessage message) {
        if (backfills > 0) {
            // Held until the replay is done, then merged in id order.
            if (held.size() >= capacity) {
                overflow();
            }
            else {
                held.put(message.id(), message);
            }
            return;
        }
        SseEmitter.SseEventBuilder event = claim(message);
        if (event != null) {
            enqueue(event);
        }
    }

    /** Holds live messages back until {@link #replay} has run: they must not move the replay's starting point. */
    synchronized void hold() {
        backfills++;
    }

    /**
     * Replays what this tab may have missed, after one {@link #hold()}, on the tab's own writer lane and at the
     * tab's own pace: a long replay does not fill the bounded queue, and live events that arrive meanwhile wait
     * behind it.
     */
    void replay(LongFunction<List<ChatMessage>> messagesAfter) {
        writer.execute(() -> {
            try {
                long from;
                synchronized (this) {
                    if (closed) {
                        return;
                    }
                    from = highest;
                }
                TreeMap<Long, ChatMessage> merged = new TreeMap<>();
                messagesAfter.apply(from).forEach(m -> merged.put(m.id(), m));
                sendInOrder(merged);
            }
            finally {
                releaseHeld();
            }
        });
    }

    private void sendInOrder(SortedMap<Long, ChatMessage> messages) {
        for (ChatMessage message : messages.values()) {
            SseEmitter.SseEventBuilder event;
            synchronized (this) {
                event = claim(message);
            }
            if (event != null && !sendNow(event)) {
                return;
            }
        }
    }

    /** The last replay is done: live events held meanwhile go out, in id order, minus what the replay sent. */
    private void releaseHeld() {
        TreeMap<Long, ChatMessage> release = null;
        synchronized (this) {
            if (--backfills == 0 && !held.isEmpty()) {
                release = new TreeMap<>(held);
                held.clear();
            }
        }
        if (release != null) {
            sendInOrder(release);
        }
    }

    /** Marks the message as sent to this tab and renders it, or returns null if the tab has it already. */
    private SseEmitter.SseEventBuilder claim(ChatMessage message) {
        long id = message.id();
        if (closed || id <= floor || recent.contains(id)) {
            return null;
        }
        long evicted = recent.add(id);
        if (evicted >= 0) {
            floor = evicted;
        }
        highest = Math.max(highest, id);
        String html = fragments.message(message, zone);
        return SseEmitter.event().id(Long.toString(id)).name("message").data(html);
    }

    synchronized void status(RealtimeSession.State state) {
        enqueue(SseEmitter.event().name("status").data(fragments.status(state)));
    }

    /** The room's online list, replacing the one on the page. */
    synchronized void online(String html) {
        enqueue(SseEmitter.event().name("online").data(html));
    }

    synchronized void heartbeat() {
        enqueue(SseEmitter.event().comment("heartbeat"));
    }

    /** Tells the page its login is over, then ends the stream; the page stops reconnecting. */
    synchronized void sessionEnded() {
        enqueue(SseEmitter.event().name("session-ended").data(fragments.sessionEnded()));
        writer.execute(this::complete);
    }

    synchronized int queued() {
        return queue.size();
    }

    void complete() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            queue.clear();
        }
        completeQuietly();
    }

    /** The emitter may not be started yet, or already gone with its request; either way it is over. */
    private void completeQuietly() {
        try {
            emitter.complete();
        }
        catch (IllegalStateException alreadyOver) {
            // nothing left to release
        }
    }

    /** The container saw the stream end (timeout, client gone, error). */
    synchronized void markClosed() {
        closed = true;
        queue.clear();
    }

    private void enqueue(SseEmitter.SseEventBuilder event) {
        if (closed) {
            return;
        }
        if (queue.size() >= capacity) {
            overflow();
            return;
        }
        queue.add(event);
        stats.queued(queue.size());
        writer.execute(this::drainOne);
    }

    private void overflow() {
        stats.overflowed();
        closed = true;
        queue.clear();
        held.clear();
        // Not on the writer lane: that lane is stuck in the very write this close is meant to cut off.
        closer.execute(this::completeQuietly);
    }

    private void drainOne() {
        SseEmitter.SseEventBuilder event;
        synchronized (this) {
            event = queue.poll();
            if (event == null || closed) {
                return;
            }
        }
        sendNow(event);
    }

    /** Writes on the writer lane; false when the tab is gone. */
    private boolean sendNow(SseEmitter.SseEventBuilder event) {
        try {
            emitter.send(event);
            return true;
        }
        catch (IOException | IllegalStateException e) {
            synchronized (this) {
                closed = true;
                queue.clear();
            }
            try {
                emitter.completeWithError(e);
            }
            catch (IllegalStateException alreadyOver) {
                // the request is gone already
            }
            return false;
        }
    }

    /** Counts queue depth and overflows across all streams, for tests and monitoring. */
    static final class StreamStats {

        private final AtomicInteger maxQueued = new AtomicInteger();
        private final AtomicInteger overflows = new AtomicInteger();

        void queued(int depth) {
            maxQueued.accumulateAndGet(depth, Math::max);
        }

        void overflowed() {
            overflows.incrementAndGet();
        }

        int maxQueued() {
            return maxQueued.get();
        }

        int overflows() {
            return overflows.get();
        }
    }
}
