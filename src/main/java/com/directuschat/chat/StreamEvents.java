package com.directuschat.chat;

import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/** The SSE events a {@link MessageStream} sends, in one place: only messages carry an {@code id:}. */
final class StreamEvents {

    private StreamEvents() {}

    /** A new message; its id becomes the browser's Last-Event-ID. */
    static SseEmitter.SseEventBuilder message(long id, String html) {
        return SseEmitter.event().id(Long.toString(id)).name("message").data(html);
    }

    /** No {@code id:}: the browser's Last-Event-ID must stay the highest message id it has. */
    static SseEmitter.SseEventBuilder change(String html) {
        return named("message-change", html);
    }

    /** A named event whose data the page handles by that name. */
    static SseEmitter.SseEventBuilder named(String name, String data) {
        return SseEmitter.event().name(name).data(data);
    }

    static SseEmitter.SseEventBuilder heartbeat() {
        return SseEmitter.event().comment("heartbeat");
    }
}
