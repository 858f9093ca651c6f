package com.directuschat.directus;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import tools.jackson.databind.JsonNode;

/**
 * Directus rows as they come over the wire (snake_case, ids as numbers or strings, many-to-ones as a key or an
 * expanded row), bound by {@link DirectusJson#MAPPER} and turned into the records the rest of the app uses.
 */
final class DirectusRows {

    private DirectusRows() {}

    /** {@code {"data": …}}, the envelope of every Directus answer. */
    record Data<T>(T data) {}

    /** {@code {"errors": [{"message": …, "extensions": {"code": …}}]}}. */
    record Errors(java.util.List<Error> errors) {

        record Error(String message, Extensions extensions) {}

        record Extensions(String code) {}
    }

    record Tokens(
            @JsonProperty("access_token") String accessToken,
            @JsonProperty("refresh_token") String refreshToken,
            Long expires) {

        AuthTokens toTokens() {
            return new AuthTokens(accessToken, refreshToken, Instant.now().plusMillis(expires == null ? 0 : expires));
        }
    }

    record User(
            String id,
            String email,
            @JsonProperty("first_name") String firstName,
            @JsonProperty("last_name") String lastName) {

        DirectusUser toUser() {
            return new DirectusUser(id, email, firstName, lastName);
        }
    }

    /** A many-to-one to {@code directus_users}: the key alone when the user is not readable, else the row. */
    record UserRef(
            String id,
            @JsonProperty("first_name") String firstName,
            @JsonProperty("last_name") String lastName) {

        @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
        UserRef {}

        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        static UserRef key(String id) {
            return new UserRef(id, null, null);
        }
    }

    record Message(
            Long id,
            String content,
            @JsonProperty("date_created") Instant createdAt,
            @JsonProperty("user_created") UserRef author,
            Long room,
            @JsonProperty("date_updated") Instant updatedAt) {

        ChatMessage toMessage() {
            if (id == null) {
                throw new DirectusException(502, "INVALID_PAYLOAD", "Directus sent a message without an id");
            }
            return new ChatMessage(
                    id,
                    content,
                    createdAt,
                    author == null ? null : author.id(),
                    author == null ? null : author.firstName(),
                    author == null ? null : author.lastName(),
                    room,
                    updatedAt);
        }
    }

    record Room(Long id, String slug, String name, String description) {}

    record ReadPosition(
            Long room, @JsonProperty("last_read") Long lastRead) {}

    /** One group of an aggregate count: {@code count} is a number, or {@code {"id": n}} per counted field. */
    record RoomCount(Long room, JsonNode count) {

        int value() {
            JsonNode n = count == null ? null : count.isObject() ? count.get("id") : count;
            return n == null ? 0 : n.asInt(0);
        }
    }

    /** A message's id and version, as an update event and the version check read them. */
    record Version(Long id, @JsonProperty("date_updated") Instant updatedAt) {}
}
