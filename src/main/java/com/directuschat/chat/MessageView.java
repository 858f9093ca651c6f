package com.directuschat.chat;

import java.util.List;

/**
 * A message as the fragment shows it; {@code segments} is its content split into text and links
 * ({@link MessageText}), so the page and live events render links the same way.
 */
record MessageView(long id, String author, String isoTime, String shortTime, String fullTime, String content,
        List<MessageText.Segment> segments) {

    MessageView(long id, String author, String isoTime, String shortTime, String fullTime, String content) {
        this(id, author, isoTime, shortTime, fullTime, content, MessageText.segments(content));
    }
}
