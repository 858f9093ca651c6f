package com.directuschat.directus;

import org.springframework.modulith.NamedInterface;

/**
 * One live row of the {@code presence} collection: a user with a chat tab open in {@code room}, on the chat server
 * whose instance id ends {@code key}. The names are null when the user is not readable.
 */
@NamedInterface("rest")
public record PresenceRow(String key, Long room, String userId, String firstName, String lastName) {}
