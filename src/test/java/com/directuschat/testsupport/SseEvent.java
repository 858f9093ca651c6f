package com.directuschat.testsupport;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One Server-Sent Event as the browser would see it. {@code position} is its {@code id:} line (for a message the
 * tab's resume position, not the message's id); {@link #id()} is the message's own id for a message (from its
 * HTML), else the {@code id:} line.
 */
public record SseEvent(String position, String name, String data, long receivedNanos) {

    private static final Pattern MESSAGE_ID = Pattern.compile("data-id=\"(\\d+)\"");

    public boolean isMessage() {
        return "message".equals(name);
    }

    /** The message's id for a message event; otherwise the event's {@code id:} line (null without one). */
    public String id() {
        if (isMessage() && data != null) {
            Matcher matcher = MESSAGE_ID.matcher(data);
            if (matcher.find()) {
                return matcher.group(1);
            }
        }
        return position;
    }
}
