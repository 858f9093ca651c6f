package com.directuschat.chat;

import java.io.IOException;
import java.time.ZoneId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import java.util.function.LongFunction;
import java.util.stream.Collectors;

import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import com.directuschat.directus.ChatMessage;
import com.directuschat.directus.ChatRoom;
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
    /** The room this tab shows; null takes every message (tests). */
    private final ChatRoom room;
    /** The page (document) that opened this stream, when it says; a page has one stream at a time. */
    private volatile String page;
    private final ZoneId zone;
    private final Fragments fragments;
    private final int capacity;
    private final Executor writer;
    private final Executor closer;
    private final ChatMetrics metrics;
    private final Deque<SseEmitter.SseEventBuilder> queue = new ArrayDeque<>();
    private final RecentIds recent = new RecentIds(RECENT_IDS);
    private final TreeMap<Long, ChatMessage> held = new TreeMap<>();
    /** Edits and deletes that came during a replay, in event order: they go out after the held messages. */
    private final List<SseEmitter.SseEventBuilder> heldChanges = new ArrayList<>();
    /** The Directus user id of the login this tab belongs to: its own messages get Edit and Delete. */
    private String viewerId;
    private int backfills;
    private long floor;
    private long highest;
    private boolean closed;

    MessageStream(SseEmitter emitter, long since, ZoneId zone, Fragments fragments, int capacity, Executor writer,
            Executor closer, ChatMetrics metrics) {
        this(null, emitter, since, zone, fragments, capacity, writer, closer, metrics);
    }

    MessageStream(ChatRoom room, SseEmitter emitter, long since, ZoneId zone, Fragments fragments, int capacity,
            Executor writer, Executor closer, ChatMetrics metrics) {
        this.room = room;
        this.emitter = emitter;
        this.floor = since;
        this.highest = since;
        this.zone = zone;
        this.fragments = fragments;
        this.capacity = capacity;
        this.writer = writer;
        this.closer = closer;
        this.metrics = metrics;
    }

    ChatRoom room() {
        return room;
    }

    MessageStream fromPage(String pageId) {
        this.page = pageId;
        return this;
    }

    /** Whether this stream and {@code other} come from the same page (so the older one is gone). */
    boolean samePage(MessageStream other) {
        return page != null && other != this && page.equals(other.page);
    }

    /** Whether this tab shows {@code message}'s room. */
    boolean shows(ChatMessage message) {
        return room == null || room.contains(message);
    }

    /** Whether this tab shows the room with this id. */
    boolean shows(long roomId) {
        return room == null || room.id() == roomId;
    }

    /** The highest id sent: where a backfill for this stream starts (minus the overlap). */
    synchronized long position() {
        return highest;
    }

    /** Whose tab this is (a Directus user id): that user's messages are rendered with Edit and Delete. */
    synchronized void viewer(String userId) {
        this.viewerId = userId;
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
        replay(messagesAfter, from -> null);
    }

    /**
     * The same, and then what became of the messages the tab already shows: {@code window} reads the newest ones
     * up to the tab's position; the edited ones among them go out as edits, and their ids as a
     * {@code message-window} event, so that the page drops those it shows in that range that are gone (deleted
     * while it was not listening).
     */
    void replay(LongFunction<List<ChatMessage>> messagesAfter, LongFunction<Window> window) {
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
                sendInOrder(merged, true);
                Window present = window.apply(from);
                if (present != null) {
                    sendWindow(present);
                }
            }
            finally {
                releaseHeld();
            }
        });
    }

    private void sendWindow(Window window) {
        String viewer;
        synchronized (this) {
            if (closed) {
                return;
            }
            viewer = viewerId;
        }
        for (ChatMessage edited : window.edited()) {
            if (!sendNow(changeEvent(fragments.changed(edited, zone, viewer)))) {
                return;
            }
        }
        sendNow(SseEmitter.event().name("message-window").data(window.json()));
    }

    /** {@code replayed}: read from Directus by a replay, not held back live ones. */
    private void sendInOrder(SortedMap<Long, ChatMessage> messages, boolean replayed) {
        for (ChatMessage message : messages.values()) {
            SseEmitter.SseEventBuilder event;
            synchronized (this) {
                event = claim(message);
            }
            if (event == null) {
                continue;
            }
            if (replayed) {
                metrics.backfilled();
            }
            if (!sendNow(event)) {
                return;
            }
        }
    }

    /**
     * The last replay is done: live events held meanwhile go out, in id order, minus what the replay sent; then
     * the edits and deletes held meanwhile, in the order they came. (An edit or delete of a held message thus
     * follows the message itself.)
     */
    private void releaseHeld() {
        TreeMap<Long, ChatMessage> release = null;
        List<SseEmitter.SseEventBuilder> changes = List.of();
        synchronized (this) {
            if (--backfills == 0) {
                if (!held.isEmpty()) {
                    release = new TreeMap<>(held);
                    held.clear();
                }
                if (!heldChanges.isEmpty()) {
                    changes = List.copyOf(heldChanges);
                    heldChanges.clear();
                }
            }
        }
        if (release != null) {
            sendInOrder(release, false);
        }
        for (SseEmitter.SseEventBuilder change : changes) {
            if (!sendNow(change)) {
                return;
            }
        }
    }

    /** A message was edited: the page replaces it where it shows it (out of band). */
    synchronized void update(ChatMessage message) {
        if (!closed) {
            change(changeEvent(fragments.changed(message, zone, viewerId)));
        }
    }

    /** Messages were deleted: the page removes them where it shows them. */
    synchronized void deleted(List<Long> ids) {
        if (!closed) {
            held.keySet().removeAll(ids);
            change(changeEvent(fragments.deleted(ids)));
        }
    }

    private void change(SseEmitter.SseEventBuilder event) {
        if (backfills > 0) {
            if (held.size() + heldChanges.size() >= capacity) {
                overflow();
            }
            else {
                heldChanges.add(event);
            }
            return;
        }
        enqueue(event);
    }

    /** No {@code id:}: the browser's Last-Event-ID must stay the highest message id it has. */
    private static SseEmitter.SseEventBuilder changeEvent(String html) {
        return SseEmitter.event().name("message-change").data(html);
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
        metrics.relayed();
        String html = fragments.message(message, zone, viewerId);
        return SseEmitter.event().id(Long.toString(id)).name("message").data(html);
    }

    synchronized void status(RealtimeSession.State state) {
        enqueue(SseEmitter.event().name("status").data(fragments.status(state)));
    }

    /** A named event whose HTML the page swaps in where {@code sse-swap} names it (the room list, for one). */
    synchronized void event(String name, String html) {
        enqueue(SseEmitter.event().name(name).data(html));
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
        metrics.queued(queue.size());
        writer.execute(this::drainOne);
    }

    private void overflow() {
        metrics.overflowed();
        closed = true;
        queue.clear();
        held.clear();
        heldChanges.clear();
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

    /**
     * What is left of a range of ids the tab may show: {@code ids} are the messages that exist from {@code low} to
     * {@code high} (both included; {@code low} 0 when the range reaches the first message), {@code edited} are
     * those among them that were ever edited, to re-send.
     */
    record Window(long low, long high, List<Long> ids, List<ChatMessage> edited) {

        /** The event's data, e.g. {@code {"low":5,"high":9,"ids":[5,7,9]}}. */
        String json() {
            return "{\"low\":" + low + ",\"high\":" + high + ",\"ids\":["
                    + ids.stream().map(String::valueOf).collect(Collectors.joining(",")) + "]}";
        }
    }
}
