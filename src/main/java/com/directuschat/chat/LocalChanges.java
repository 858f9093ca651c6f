package com.directuschat.chat;

import com.directuschat.directus.ChatMessage;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The edits and deletes one session's tabs got straight from this chat, so that Directus's events for the same
 * changes are not sent to them again. Bounded: what falls out is at worst sent twice (the page replaces or removes
 * by id, so the tab shows it once either way).
 */
final class LocalChanges {

    private static final int LIMIT = 256;

    /** Message id → the version ({@code date_updated}) delivered; a delete maps to {@link Instant#MAX}. */
    private final Map<Long, Instant> delivered = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Instant> eldest) {
            return size() > LIMIT;
        }
    };

    synchronized void edited(ChatMessage message) {
        if (message.updatedAt() != null) {
            delivered.merge(message.id(), message.updatedAt(), (a, b) -> a.isAfter(b) ? a : b);
        }
    }

    synchronized void deleted(List<Long> ids) {
        ids.forEach(id -> delivered.put(id, Instant.MAX));
    }

    /** Whether the tabs got this version of the message (or a later one, or its delete) from this chat. */
    synchronized boolean alreadyEdited(ChatMessage message) {
        Instant got = delivered.get(message.id());
        return got != null && message.updatedAt() != null && !got.isBefore(message.updatedAt());
    }

    /** Whether the tabs got the delete of all these messages from this chat. */
    synchronized boolean alreadyDeleted(List<Long> ids) {
        return !ids.isEmpty() && ids.stream().allMatch(id -> Objects.equals(delivered.get(id), Instant.MAX));
    }
}
