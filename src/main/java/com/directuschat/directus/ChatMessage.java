package com.directuschat.directus;

import java.time.Instant;

/** One row of the {@code messages} collection, with its author's name when readable. */
public record ChatMessage(long id, String content, Instant createdAt, String authorFirstName, String authorLastName) {
}
