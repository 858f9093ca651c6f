package com.directuschat.chat;

import com.directuschat.directus.ChatMessage;
import com.directuschat.directus.ChatRoom;
import com.directuschat.directus.RealtimeSession;
import java.time.ZoneId;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.LongFunction;
import java.util.stream.Collectors;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * One browser tab's SSE stream. Delivers each message at most once: ids at or below the floor, or among
 * the recently sent ones, are dropped ({@link SentIds}). That de-duplicates backfill (which overlaps on purpose,
 * since a lower id can commit after a higher one) against live events and against what the page already shows.
 * <p>
 * Writes go through a bounded queue drained on the stream's own serial executor, so a stalled tab blocks
 * nobody else; when the queue overflows the stream is closed, and the browser reconnects and is replayed.
 * That close runs on {@code closer}, not behind the stalled write on the writer lane.
 * <p>
 * One lock, this object's, guards the whole state, including that of its {@link SentIds}, {@link ReplayHold} and
 * {@link WriterLane}; {@link StreamReplay} runs the replays.
 */
final class MessageStream {

    /** The room this tab shows; null takes every message (tests). */
    private final ChatRoom room;
    /** The page (document) that opened this stream, when it says; a page has one stream at a time. */
    private volatile String page;

    private final ZoneId zone;
    private final Fragments fragments;
    private final ChatMetrics metrics;
    private final WriterLane lane;
    private final SentIds sent;
    private final ReplayHold hold;
    private final StreamReplay replays;
    /** The Directus user id of the login this tab belongs to: its own messages get Edit and Delete. */
    private String viewerId;
    /** The position the browser was last told (an event's id): a heartbeat tells it when it moved since. */
    private long announced;

    MessageStream(
            SseEmitter emitter,
            long since,
            ZoneId zone,
            Fragments fragments,
            int capacity,
            Executor writer,
            Executor closer,
            ChatMetrics metrics) {
        this(null, emitter, since, zone, fragments, capacity, writer, closer, metrics);
    }

    MessageStream(
            ChatRoom room,
            SseEmitter emitter,
            long since,
            ZoneId zone,
            Fragments fragments,
            int capacity,
            Executor writer,
            Executor closer,
            ChatMetrics metrics) {
        this.room = room;
        this.zone = zone;
        this.fragments = fragments;
        this.metrics = metrics;
        this.lane = new WriterLane(this, emitter, capacity, writer, closer, metrics);
        this.sent = new SentIds(since);
        this.announced = since;
        this.hold = new ReplayHold(capacity);
        this.replays = new StreamReplay(this, lane, hold, metrics);
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

    /** The highest id Directus confirmed to this tab: where a backfill for it starts (minus the overlap). */
    synchronized long position() {
        return sent.position();
    }

    /** Whose tab this is (a Directus user id): that user's messages are rendered with Edit and Delete. */
    synchronized void viewer(String userId) {
        this.viewerId = userId;
    }

    /** Whose tab this is; the caller holds this stream's lock. */
    String viewer() {
        return viewerId;
    }

    /** After a data reset the browser may be ahead of Directus; it then goes live without replay. */
    synchronized void clampTo(long newest) {
        sent.clampTo(newest);
    }

    /**
     * The page shows {@code ids} of the {@code overlap} ids at and below its position, and none below {@code oldest}
     * (0: none missing): the others there still come if they commit late (replayed or live), and these are not sent
     * again. Before the stream is attached.
     */
    synchronized void shown(int overlap, long oldest, Collection<Long> ids) {
        sent.shown(overlap, oldest, ids);
    }

    synchronized boolean isClosed() {
        return lane.closed();
    }

    /** A message from Directus's realtime event: sent unless the tab has it, and it moves the tab's position. */
    synchronized void deliver(ChatMessage message) {
        deliver(message, true);
    }

    /**
     * A message created through this chat (here or on another instance), before Directus's event for it: sent
     * unless the tab has it, without moving the tab's position (a slower message below it may still come).
     */
    synchronized void deliverLocal(ChatMessage message) {
        deliver(message, false);
    }

    private void deliver(ChatMessage message, boolean confirmed) {
        if (hold.holding()) {
            // Held until the replay is done, then merged in id order.
            if (!hold.message(message, confirmed)) {
                overflow();
            }
            return;
        }
        SseEmitter.SseEventBuilder event = claim(message, confirmed);
        if (event != null) {
            enqueue(event);
        } else if (confirmed && !lane.closed() && sent.position() > announced) {
            // Directus confirmed a message the tab had from a send on this chat: the browser's Last-Event-ID moves
            // on now, so that its own reconnect does not replay it.
            announced = sent.position();
            enqueue(StreamEvents.position(announced));
        }
    }

    /** Holds live messages back until {@link #replay} has run: they must not move the replay's starting point. */
    synchronized void hold() {
        hold.hold();
    }

    /**
     * Replays what this tab may have missed, after one {@link #hold()}, on the tab's own writer lane and at the
     * tab's own pace: a long replay does not fill the bounded queue, and live events that arrive meanwhile wait
     * behind it.
     */
    void replay(LongFunction<List<ChatMessage>> messagesAfter) {
        replay(messagesAfter, 0, Integer.MAX_VALUE, from -> null);
    }

    /**
     * The same, from {@code overlap} ids below the tab's position (on PostgreSQL a lower id can commit after a
     * higher one) and page by page: {@code messagesAfter} reads at most {@code pageSize} messages after an id, and
     * is asked again after the last one read until a page is not full. Then what became of the messages the tab
     * already shows: {@code window} reads the newest ones up to the tab's position; the edited ones among them go
     * out as edits, and their ids as a {@code message-window} event, so that the page drops those it shows in that
     * range that are gone (deleted while it was not listening).
     */
    void replay(LongFunction<List<ChatMessage>> messagesAfter, int overlap, int pageSize, LongFunction<Window> window) {
        replays.run(messagesAfter, overlap, pageSize, window);
    }

    /** A message was edited: the page replaces it where it shows it (out of band). */
    synchronized void update(ChatMessage message) {
        if (!lane.closed()) {
            change(changed(message, viewerId));
        }
    }

    /** Messages were deleted: the page removes them where it shows them. */
    synchronized void deleted(List<Long> ids) {
        if (!lane.closed()) {
            hold.forget(ids);
            change(StreamEvents.change(fragments.deleted(ids)));
        }
    }

    /** The event that shows {@code message} edited, as {@code viewer} sees it. */
    SseEmitter.SseEventBuilder changed(ChatMessage message, String viewer) {
        return StreamEvents.change(fragments.changed(message, zone, viewer));
    }

    private void change(SseEmitter.SseEventBuilder event) {
        if (hold.holding()) {
            if (!hold.change(event)) {
                overflow();
            }
            return;
        }
        enqueue(event);
    }

    /**
     * Marks the message as sent to this tab and renders it, or returns null if the tab has it already; a
     * {@code confirmed} one (Directus's event, or a replay's read) moves the tab's position. The event's SSE id is the
     * position, not the message's id. The caller holds this stream's lock.
     */
    SseEmitter.SseEventBuilder claim(ChatMessage message, boolean confirmed) {
        long id = message.id();
        if (lane.closed()) {
            return null;
        }
        if (confirmed) {
            sent.confirm(id);
        }
        if (!sent.claim(id)) {
            return null;
        }
        metrics.relayed();
        announced = sent.position();
        return StreamEvents.message(announced, fragments.message(message, zone, viewerId));
    }

    /** The connection status; replaces one still waiting to be written. */
    synchronized void status(RealtimeSession.State state) {
        state("status", fragments.status(state));
    }

    /**
     * A named event whose HTML replaces what the page shows where {@code sse-swap} names it (the room list, for
     * one); replaces one of that name still waiting to be written.
     */
    synchronized void event(String name, String html) {
        state(name, html);
    }

    /** The room's online list, replacing the one on the page (and one still waiting to be written). */
    synchronized void online(String html) {
        state("online", html);
    }

    synchronized void heartbeat() {
        long position = sent.position();
        if (position > announced) {
            announced = position;
            enqueue(StreamEvents.heartbeat(position));
        } else {
            enqueue(StreamEvents.heartbeat());
        }
    }

    /** Tells the page its login is over, then ends the stream; the page stops reconnecting. */
    synchronized void sessionEnded() {
        enqueue(StreamEvents.named("session-ended", fragments.sessionEnded()));
        lane.run(this::complete);
    }

    synchronized int queued() {
        return lane.queued();
    }

    void complete() {
        lane.complete();
    }

    /** The container saw the stream end (timeout, client gone, error). */
    synchronized void markClosed() {
        lane.markClosed();
    }

    private void enqueue(SseEmitter.SseEventBuilder event) {
        if (!lane.enqueue(event)) {
            overflow();
        }
    }

    private void state(String name, String html) {
        if (!lane.enqueueState(name, StreamEvents.named(name, html))) {
            overflow();
        }
    }

    private void overflow() {
        hold.clear();
        lane.overflow();
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
