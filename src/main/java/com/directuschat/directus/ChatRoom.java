package com.directuschat.directus;

import org.springframework.modulith.NamedInterface;

/**
 * One row of the {@code rooms} collection. The default room also holds the messages that have no room, as a
 * Directus set up by the seed tutorial stores them.
 */
@NamedInterface("rest")
public record ChatRoom(long id, String slug, String name, String description, boolean isDefault) {

    /** Whether {@code message} is posted in this room. */
    public boolean contains(ChatMessage message) {
        return message.room() == null ? isDefault : message.room() == id;
    }

    /** The Directus filter (query parameters, under {@code prefix}) that selects this room's messages. */
    java.util.Map<String, Object> filter(String prefix) {
        if (isDefault) {
            return java.util.Map.of(prefix + "[_or][0][room][_eq]", id, prefix + "[_or][1][room][_null]", true);
        }
        return java.util.Map.of(prefix + "[room][_eq]", id);
    }
}
