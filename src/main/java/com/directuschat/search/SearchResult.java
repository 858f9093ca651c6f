package com.directuschat.search;

import java.util.List;

/**
 * One message found, as the results list shows it: where it is (room name, and the link that opens the room around
 * it), who wrote it and when (the chat's time formats, in the reader's zone), and its text in {@link Highlight} parts.
 */
record SearchResult(
        long id,
        String room,
        String href,
        String author,
        String isoTime,
        String shortTime,
        String fullTime,
        List<Highlight.Part> parts) {}
