package com.directuschat.directus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.directuschat.directus.DirectusRows.Data;
import com.directuschat.directus.DirectusRows.Message;
import com.directuschat.directus.DirectusRows.RoomCount;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.core.type.TypeReference;

/** How Directus's payloads bind to our records: ids as strings, authors as keys or rows, timestamps without offset. */
class DirectusJsonTest {

    private static <T> T read(String json, TypeReference<T> type) {
        return DirectusJson.MAPPER.readValue(json, type);
    }

    @Test
    void readsAMessageWithItsAuthor() {
        Message row = read("""
                {"id":7,"content":"hi","date_created":"2026-11-27T21:47:18.979Z","room":2,"extra":true,
                 "user_created":{"id":"u1","first_name":"Alice","last_name":"Example"}}""", new TypeReference<>() {});
        assertThat(row.toMessage())
                .isEqualTo(new ChatMessage(
                        7, "hi", Instant.parse("2026-11-27T21:47:18.979Z"), "u1", "Alice", "Example", 2L, null));
    }

    @Test
    void coercesStringIdsAndReadsAnUnreadableAuthorAsItsKey() {
        Message row = read("""
                {"id":"12","content":"x","date_created":null,"room":"3",
                 "user_created":"7ecd66f7-77ef-451f-9daf-00edd8d2ca5a"}""", new TypeReference<>() {});
        ChatMessage message = row.toMessage();
        assertThat(message.id()).isEqualTo(12);
        assertThat(message.room()).isEqualTo(3L);
        assertThat(message.createdAt()).isNull();
        assertThat(message.authorId()).isEqualTo("7ecd66f7-77ef-451f-9daf-00edd8d2ca5a");
        assertThat(message.authorFirstName()).isNull();
    }

    @Test
    void refusesAMessageWithoutAnId() {
        Message row = read("{\"content\":\"x\"}", new TypeReference<>() {});
        assertThatThrownBy(row::toMessage).isInstanceOf(DirectusException.class);
    }

    @Test
    void readsTimestampsWithoutOffsetAsUtc() {
        assertThat(DirectusJson.LenientInstant.parse("2026-11-27T10:00:00"))
                .isEqualTo(Instant.parse("2026-11-27T10:00:00Z"));
        assertThat(DirectusJson.LenientInstant.parse("2026-11-27T10:00:00+02:00"))
                .isEqualTo(Instant.parse("2026-11-27T08:00:00Z"));
        assertThat(DirectusJson.LenientInstant.parse("soon")).isNull();
    }

    /** Aggregates: PostgreSQL counts arrive as strings, SQLite's as numbers, per field or not. */
    @Test
    void readsCountsInEveryShape() {
        Data<List<RoomCount>> counts = read("""
                {"data":[{"room":1,"count":{"id":"4"}},{"room":"2","count":5},{"room":null,"count":{"id":6}}]}""", new TypeReference<>() {});
        assertThat(counts.data()).extracting(RoomCount::room).containsExactly(1L, 2L, null);
        assertThat(counts.data()).extracting(RoomCount::value).containsExactly(4, 5, 6);
    }
}
