package com.directuschat.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.directuschat.directus.ChatMessage;
import com.directuschat.web.ClientTimeZone;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class MessageFormatterTest {

    @Test
    void namesTheAuthorOrSaysUnknown() {
        assertThat(MessageFormatter.author(new ChatMessage(1, "x", null, "Alice", "Example")))
                .isEqualTo("Alice Example");
        assertThat(MessageFormatter.author(new ChatMessage(1, "x", null, "Alice", null)))
                .isEqualTo("Alice");
        assertThat(MessageFormatter.author(new ChatMessage(1, "x", null, null, null)))
                .isEqualTo("Unknown user");
        assertThat(MessageFormatter.author(new ChatMessage(1, "x", null, " ", "")))
                .isEqualTo("Unknown user");
    }

    @Test
    void showsTimesInTheReadersZone() {
        Instant created = Instant.parse("2020-01-15T12:30:00Z");
        MessageView tokyo = MessageFormatter.view(new ChatMessage(1, "x", created, "A", "B"), ZoneId.of("Asia/Tokyo"));
        MessageView lima = MessageFormatter.view(new ChatMessage(1, "x", created, "A", "B"), ZoneId.of("America/Lima"));
        assertThat(tokyo.isoTime()).isEqualTo("2020-01-15T12:30:00Z");
        assertThat(tokyo.shortTime()).isEqualTo("15 Jan, 21:30");
        assertThat(lima.shortTime()).isEqualTo("15 Jan, 07:30");
    }

    @Test
    void todayShowsOnlyTheTime() {
        MessageView view = MessageFormatter.view(new ChatMessage(1, "x", Instant.now(), "A", "B"), ZoneId.of("UTC"));
        assertThat(view.shortTime()).matches("\\d\\d:\\d\\d");
    }

    @Test
    void fallsBackToTheServerZoneForBadCookies() {
        assertThat(ClientTimeZone.parse("Europe%2FParis")).isEqualTo(ZoneId.of("Europe/Paris"));
        assertThat(ClientTimeZone.parse("Not/AZone")).isEqualTo(ZoneId.systemDefault());
        assertThat(ClientTimeZone.parse(null)).isEqualTo(ZoneId.systemDefault());
        assertThat(ClientTimeZone.parse("x".repeat(100))).isEqualTo(ZoneId.systemDefault());
    }
}
