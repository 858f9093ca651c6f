package com.directuschat.directus;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

import tools.jackson.databind.JsonNode;

/** Lenient readers for Directus payloads, which send ids as numbers or strings and omit what is unreadable. */
final class Json {

    private Json() {
    }

    static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        return value != null && value.isValueNode() && !value.isNull() ? value.asString() : null;
    }

    static long id(JsonNode node) {
        JsonNode value = node.get("id");
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException("message without id");
        }
        return value.isNumber() ? value.longValue() : Long.parseLong(value.asString());
    }

    static Instant instant(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        }
        catch (DateTimeParseException e) {
            // SQLite-backed Directus may send timestamps without an offset; they are UTC.
            return Instant.parse(text.endsWith("Z") ? text : text + "Z");
        }
    }

    static ChatMessage message(JsonNode node) {
        JsonNode author = node.get("user_created");
        boolean readable = author != null && author.isObject();
        String authorId = readable ? text(author, "id") : author != null && author.isValueNode() ? text(node, "user_created") : null;
        return new ChatMessage(id(node), text(node, "content"), instant(text(node, "date_created")), authorId,
                readable ? text(author, "first_name") : null, readable ? text(author, "last_name") : null,
                optionalId(node.get("room")), instant(text(node, "date_updated")));
    }

    static PresenceRow presence(JsonNode node) {
        JsonNode user = node.get("user");
        boolean readable = user != null && user.isObject();
        return new PresenceRow(text(node, "id"), optionalId(node.get("room")),
                readable ? text(user, "id") : text(node, "user"),
                readable ? text(user, "first_name") : null, readable ? text(user, "last_name") : null);
    }

    /** A many-to-one key as a number (Directus sends it as a number or a string, or an object when expanded). */
    static Long optionalId(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return null;
        }
        if (value.isObject()) {
            return optionalId(value.get("id"));
        }
        return value.isNumber() ? value.longValue() : Long.valueOf(value.asString());
    }
}
