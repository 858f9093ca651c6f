package com.directuschat.directus;

import java.time.Instant;
import org.springframework.modulith.NamedInterface;

/**
 * One row of the {@code messages} collection, with its author's id and name when readable. {@code room} is null
 * for a message posted without one (the seed tutorial's schema): it belongs to the default room.
 * {@code updatedAt} is set once the message has been edited.
 */
@NamedInterface({"rest", "realtime"})
public record ChatMessage(
        long id,
        String content,
        Instant createdAt,
        String authorId,
        String authorFirstName,
        String authorLastName,
        Long room,
        Instant updatedAt) {

    /** A message as the seed tutorial stores it: no room, never edited, author id unknown. */
    public ChatMessage(long id, String content, Instant createdAt, String authorFirstName, String authorLastName) {
        this(id, content, createdAt, null, authorFirstName, authorLastName, null, null);
    }

    public boolean edited() {
        return updatedAt != null;
    }
}
