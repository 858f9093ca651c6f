package com.directuschat.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class MessageViewTest {

    private static MessageView by(String author, String authorId) {
        return new MessageView(1, author, null, "", "", "x", MessageText.segments("x"), authorId, null, 0);
    }

    @Test
    void initialsAreTheFirstLettersOfTheFirstAndLastWord() {
        assertThat(by("Alice Example", "a").initials()).isEqualTo("AE");
        assertThat(by("  anna maria  von  berg ", "a").initials()).isEqualTo("AB");
        assertThat(by("Cher", "a").initials()).isEqualTo("C");
        assertThat(by("émile zola", "a").initials()).isEqualTo("ÉZ");
        assertThat(by("(Bob) 'Builder'", "a").initials()).isEqualTo("BB");
        assertThat(by("𝒜lice 𝔈xample", "a").initials())
                .as("letters outside the BMP stay whole")
                .isEqualTo("𝒜𝔈");
    }

    @Test
    void aNameWithoutLettersGetsAQuestionMark() {
        assertThat(by("", "a").initials()).isEqualTo("?");
        assertThat(by("— !", "a").initials()).isEqualTo("?");
        assertThat(by(null, "a").initials()).isEqualTo("?");
    }

    @Test
    void theColourFollowsTheAuthorsIdAndSpreadsOverThePalette() {
        assertThat(by("Alice Example", "id-1").avatarColour())
                .isEqualTo(by("Alice Renamed", "id-1").avatarColour());
        Set<Integer> colours = new HashSet<>();
        IntStream.range(0, 200)
                .forEach(i -> colours.add(by("Same Name", "user-" + i).avatarColour()));
        assertThat(colours).hasSize(MessageView.AVATAR_COLOURS);
        assertThat(colours).allSatisfy(c -> assertThat(c).isBetween(0, MessageView.AVATAR_COLOURS - 1));
    }

    @Test
    void theStyleSheetHasAColourForEachIndex() throws Exception {
        String css;
        try (var in = getClass().getResourceAsStream("/static/css/chat.css")) {
            css = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        IntStream.range(0, MessageView.AVATAR_COLOURS)
                .forEach(i -> assertThat(css).contains(".avatar-" + i + " { background: #"));
        assertThat(css).doesNotContain(".avatar-" + MessageView.AVATAR_COLOURS + " ");
    }

    @Test
    void withoutAnIdTheNameDecidesTheColour() {
        assertThat(by("Alice Example", null).avatarColour())
                .isEqualTo(by("Alice Example", null).avatarColour())
                .isEqualTo(Math.floorMod("Alice Example".hashCode(), MessageView.AVATAR_COLOURS));
    }
}
