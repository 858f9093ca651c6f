package com.directuschat.testsupport;

/** One Server-Sent Event as the browser would see it. */
public record SseEvent(String id, String name, String data, long receivedNanos) {

    public boolean isMessage() {
        return "message".equals(name);
    }
}
