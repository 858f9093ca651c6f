package com.directuschat.chat;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MessageDraftTest {

    @Test
    void refusesEmptyAndWhitespaceOnly() {
        assertThat(MessageDraft.problem(null, 2000)).isEqualTo("Type a message first.");
        assertThat(MessageDraft.problem("", 2000)).isEqualTo("Type a message first.");
        assertThat(MessageDraft.problem(" \n\t ", 2000)).isEqualTo("Type a message first.");
    }

    @Test
    void countsCodePointsNotUtf16Units() {
        String emoji = "😀".repeat(2000);
        assertThat(emoji.length()).isEqualTo(4000);
        assertThat(MessageDraft.problem(emoji, 2000)).isNull();
        assertThat(MessageDraft.problem(emoji + "😀", 2000)).contains("2,001 characters").contains("2,000");
    }

    @Test
    void acceptsUpToTheLimit() {
        assertThat(MessageDraft.problem("a".repeat(2000), 2000)).isNull();
        assertThat(MessageDraft.problem("a".repeat(2001), 2000)).isNotNull();
    }
}
