package com.directuschat.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The "online" fragment: one list item per name, names as text. */
class OnlineFragmentTest {

    private final Fragments fragments = ChatTestSupport.fragments();

    @Test
    void oneItemPerNameAndNamesAreText() {
        String html = fragments.online(List.of("Alice Example", "<img src=x onerror=alert(1)>"));
        assertThat(html).isEqualTo("<li>Alice Example</li><li>&lt;img src=x onerror=alert(1)&gt;</li>");
        assertThat(fragments.online(List.of())).isEmpty();
    }
}
