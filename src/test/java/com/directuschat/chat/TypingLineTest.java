package com.directuschat.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.directuschat.presence.Presence.Typist;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What each tab's typing line says: one name, two, or "several"; never the viewer's own. */
class TypingLineTest {

    private static final Typist ALICE = new Typist("a", "Alice Example");
    private static final Typist BOB = new Typist("b", "Bob Example");
    private static final Typist CAROL = new Typist("c", "Carol Example");

    @Test
    void oneTwoOrSeveralPeopleAreTyping() {
        assertThat(OnlineList.typingLine(List.of(), "x")).isEmpty();
        assertThat(OnlineList.typingLine(List.of(ALICE), "x")).isEqualTo("Alice Example is typing…");
        assertThat(OnlineList.typingLine(List.of(ALICE, BOB), "x"))
                .isEqualTo("Alice Example and Bob Example are typing…");
        assertThat(OnlineList.typingLine(List.of(ALICE, BOB, CAROL), "x")).isEqualTo("Several people are typing…");
    }

    @Test
    void theViewerIsNeverInTheirOwnLine() {
        assertThat(OnlineList.typingLine(List.of(ALICE), "a")).isEmpty();
        assertThat(OnlineList.typingLine(List.of(ALICE, BOB), "a")).isEqualTo("Bob Example is typing…");
        assertThat(OnlineList.typingLine(List.of(ALICE, BOB, CAROL), "b"))
                .isEqualTo("Alice Example and Carol Example are typing…");
    }
}
