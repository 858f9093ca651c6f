package com.directuschat.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.web.server.ResponseStatusException;

class StreamPositionTest {

    @Test
    void absentMeansFromTheStart() {
        assertThat(MessageStreamController.position(null, "since")).isZero();
        assertThat(MessageStreamController.position(" ", "since")).isZero();
    }

    @Test
    void readsAnId() {
        assertThat(MessageStreamController.position("42", "since")).isEqualTo(42);
    }

    @Test
    void malformedIdsAreABadRequest() {
        for (String bad : new String[] {"abc", "-1", "1.5", "99999999999999999999", "1;2"}) {
            assertThatThrownBy(() -> MessageStreamController.position(bad, "Last-Event-ID"))
                    .isInstanceOf(ResponseStatusException.class)
                    .hasMessageContaining("Last-Event-ID");
        }
    }

    @Test
    void readsTheIdsThePageShows() {
        assertThat(MessageStreamController.shownIds(null)).isNull();
        assertThat(MessageStreamController.shownIds("")).isEmpty();
        assertThat(MessageStreamController.shownIds("81,83,100")).containsExactly(81L, 83L, 100L);
    }

    @Test
    void malformedShownIdsAreABadRequest() {
        for (String bad : new String[] {"a", "1,", ",1", "1;2", "-1", "1,,2", " 1", "12345678901234567"}) {
            assertThatThrownBy(() -> MessageStreamController.shownIds(bad))
                    .isInstanceOf(ResponseStatusException.class)
                    .hasMessageContaining("shown");
        }
    }
}
