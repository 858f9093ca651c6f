package com.directuschat.chat;

import java.util.List;

/**
 * A message as the fragment shows it; {@code segments} is its content split into text and links
 * ({@link MessageText}), so the page and live events render links the same way. {@code authorId} decides, with the
 * viewer's id, whether the message gets its Edit and Delete buttons; {@code version} is its {@code date_updated} in
 * epoch milliseconds (0 while never edited), so that a page can tell a newer copy from an older one.
 */
record MessageView(
        long id,
        String author,
        String isoTime,
        String shortTime,
        String fullTime,
        String content,
        List<MessageText.Segment> segments,
        String authorId,
        String editedTime,
        long version) {

    MessageView(long id, String author, String isoTime, String shortTime, String fullTime, String content) {
        this(id, author, isoTime, shortTime, fullTime, content, MessageText.segments(content), null, null, 0);
    }

    /** Public, for the template ({@code m.edited}). */
    public boolean edited() {
        return version != 0;
    }
}
