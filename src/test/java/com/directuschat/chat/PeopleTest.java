package com.directuschat.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.directuschat.directus.AccessTokenSource;
import com.directuschat.directus.DirectusClient;
import com.directuschat.directus.DirectusException;
import com.directuschat.directus.DirectusUser;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The people directory's reads: how old it may get, and how often an unknown id may read it again. */
class PeopleTest {

    private final DirectusClient directus = mock(DirectusClient.class);
    private final AccessTokenSource tokens = mock(AccessTokenSource.class);
    private Instant now = Instant.parse("2026-12-01T10:00:00Z");
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };
    private final People people = new People(directus, Duration.ofSeconds(60), Duration.ofSeconds(10), clock);

    @Test
    void readsOnceAMinuteAndAnUnknownIdAtMostEveryTenSecondsWhileLiveRendersNeverRead() {
        when(directus.users(any())).thenReturn(List.of(new DirectusUser("bob-id", null, "Bob", "Example")));
        assertThat(people.cached().name("bob-id")).isNull();
        assertThat(people.current(tokens).name("bob-id")).isEqualTo("Bob Example");
        long version = people.cached().version();
        for (int i = 0; i < 100; i++) {
            people.current(tokens, Set.of("bob-id"));
            people.cached().name("forged");
        }
        verify(directus, times(1)).users(any());

        // A forged id: one more read after 10 s, not one per page.
        now = now.plusSeconds(11);
        for (int i = 0; i < 100; i++) {
            assertThat(people.current(tokens, Set.of("forged")).name("forged")).isNull();
        }
        verify(directus, times(2)).users(any());
        // Nothing changed: renders cached with this version stay valid.
        assertThat(people.cached().version()).isEqualTo(version);

        // A rename shows after the max age, with a new version.
        when(directus.users(any())).thenReturn(List.of(new DirectusUser("bob-id", null, "Robert", "Example")));
        now = now.plusSeconds(30);
        assertThat(people.current(tokens).name("bob-id")).isEqualTo("Bob Example");
        now = now.plusSeconds(31);
        assertThat(people.current(tokens).name("bob-id")).isEqualTo("Robert Example");
        assertThat(people.cached().version()).isGreaterThan(version);
    }

    @Test
    void aFailedReadKeepsTheLastDirectory() {
        when(directus.users(any())).thenReturn(List.of(new DirectusUser("bob-id", null, "Bob", "Example")));
        people.current(tokens);
        when(directus.users(any())).thenThrow(new DirectusException("down", null));
        now = now.plusSeconds(61);
        assertThat(people.current(tokens).name("bob-id")).isEqualTo("Bob Example");
    }

    @Test
    void suggestionsMatchFirstLastOrWholeNamePrefixesIgnoringCaseSortedAtMostEight() {
        when(directus.users(any()))
                .thenReturn(List.of(
                        new DirectusUser("b", null, "Bob", "Example"),
                        new DirectusUser("a", null, "alice", "Example"),
                        new DirectusUser("n", null, null, null),
                        new DirectusUser("c", null, "Carol", "Bober")));
        People.Directory directory = people.current(tokens);
        assertThat(directory.matching("BO").stream().map(Mentions.Person::id)).containsExactly("b", "c");
        assertThat(directory.matching("bob ex").stream().map(Mentions.Person::id))
                .containsExactly("b");
        assertThat(directory.matching("").stream().map(Mentions.Person::id)).containsExactly("a", "b", "c");
        assertThat(directory.name("n")).isNull();
    }
}
