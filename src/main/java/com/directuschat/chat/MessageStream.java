package com.directuschat.chat;

import java.io.IOException;
import java.time.ZoneId;

import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import com.directuschat.directus.ChatMessage;
import com.directuschat.directus.RealtimeSession;

/**
 * One browser tab's SSE stream. Delivers each message once, in id order: anything at or below the last
 * id sent is dropped, which de-duplicates backfill against live events.
 */
final class MessageStream {

    private final SseEmitter emitter;
    private final ZoneId zone;
    private final Fragments fragments;
    private long lastSentId;
    private boolean closed;

    MessageStream(SseEmitter emitter, long since, ZoneId zone, Fragments fragments) {
        this.emitter = emitter;
        this.lastSentId = since;
        this.zone = zone;
        this.fragments = fragments;
    }

    synchronized long lastSentId() {
        return lastSentId;
    }

    synchronized boolean isClosed() {
        return closed;
    }

    synchronized void deliver(ChatMessage message) {
        if (closed || message.id() <= lastSentId) {
            return;
        }
        String html = fragments.message(MessageFormatter.view(message, zone));
        if (send(SseEmitter.event().id(Long.toString(message.id())).name("message").data(html))) {
            lastSentId = message.id();
        }
    }

    synchronized void status(RealtimeSession.State state) {
        send(SseEmitter.event().name("status").data(fragments.status(state)));
    }

    synchronized void heartbeat() {
        send(SseEmitter.event().comment("heartbeat"));
    }

    /** Tells the page its login is over, then ends the stream; the page stops reconnecting. */
    synchronized void sessionEnded() {
        send(SseEmitter.event().name("session-ended").data(fragments.sessionEnded()));
        complete();
    }

    synchronized void complete() {
        if (!closed) {
            closed = true;
            emitter.complete();
        }
    }

    /** The container saw the stream end (timeout, client gone, error). */
    synchronized void markClosed() {
        closed = true;
    }

    private boolean send(SseEmitter.SseEventBuilder event) {
        if (closed) {
            return false;
        }
        try {
            emitter.send(event);
            return true;
        }
        catch (IOException | IllegalStateException e) {
            closed = true;
            emitter.completeWithError(e);
            return false;
        }
    }
}
