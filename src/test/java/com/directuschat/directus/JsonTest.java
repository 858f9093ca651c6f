package com.directuschat.directus;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.json.JsonMapper;

class JsonTest {

    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void readsAMessageWithItsAuthor() {
        ChatMessage message = Json.message(json.readTree("""
                {"id":7,"content":"hi","date_created":"2026-11-27T21:47:18.979Z",
                 "user_created":{"first_name":"Alice","last_name":"Example"}}"""));
        assertThat(message).isEqualTo(new ChatMessage(7, "hi", Instant.parse("2026-11-27T21:47:18.979Z"), "Alice", "Example"));
    }

    @Test
    void toleratesStringIdsAndAnUnreadableAuthor() {
        ChatMessage message = Json.message(json.readTree("""
                {"id":"12","content":"x","date_created":null,"user_created":"7ecd66f7-77ef-451f-9daf-00edd8d2ca5a"}"""));
        assertThat(message.id()).isEqualTo(12);
        assertThat(message.createdAt()).isNull();
        assertThat(message.authorFirstName()).isNull();
    }

    @Test
    void readsTimestampsWithoutOffsetAsUtc() {
        assertThat(Json.instant("2026-11-27T10:00:00")).isEqualTo(Instant.parse("2026-11-27T10:00:00Z"));
        assertThat(Json.instant("2026-11-27T10:00:00+02:00")).isEqualTo(Instant.parse("2026-11-27T08:00:00Z"));
    }
}
