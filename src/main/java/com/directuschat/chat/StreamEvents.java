package com.directuschat.chat;

import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The SSE events a {@link MessageStream} sends, in one place. Only messages (and a heartbeat after the position
 * moved) carry an {@code id:}: the tab's position, from which a replay starts, not the message's own id.
 */
final class StreamEvents {

    private StreamEvents() {}

    /** A new message; the tab's {@code position} becomes the browser's Last-Event-ID (the page reads the id in the HTML). */
    static SseEmitter.SseEventBuilder message(long position, String html) {
        return SseEmitter.event().id(Long.toString(position)).name("message").data(html);
    }

    /** No {@code id:}: the browser's Last-Event-ID must stay the highest message id it has. */
    static SseEmitter.SseEventBuilder change(String html) {
        return named("message-change", html);
    }

    /** A named event whose data the page handles by that name. */
    static SseEmitter.SseEventBuilder named(String name, String data) {
        return SseEmitter.event().name(name).data(data);
    }

    /** Only moves the browser's Last-Event-ID: an event with an id and no data is not dispatched to the page. */
    static SseEmitter.SseEventBuilder position(long position) {
        return SseEmitter.event().id(Long.toString(position));
    }

    static SseEmitter.SseEventBuilder heartbeat() {
        return SseEmitter.event().comment("heartbeat");
    }

    /**
     * A heartbeat that also moves the browser's Last-Event-ID to {@code position} (Directus confirmed a message the
     * tab already had): an event with an id and no data sets it without being dispatched to the page.
     */
    static SseEmitter.SseEventBuilder heartbeat(long position) {
        return SseEmitter.event().id(Long.toString(position)).comment("heartbeat");
    }
}
