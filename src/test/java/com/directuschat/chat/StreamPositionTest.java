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
}
