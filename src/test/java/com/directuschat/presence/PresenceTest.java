package com.directuschat.presence;

import static org.assertj.core.api.Assertions.assertThat;

import com.directuschat.directus.AccessTokenSource;
import com.directuschat.directus.DirectusException;
import com.directuschat.directus.PresenceRow;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Presence against a fake Directus, on a fake clock, one cycle at a time (no scheduler: the test runs each cycle).
 * The real Directus is in {@code PresenceIT}.
 */
class PresenceTest {

    private static final PresenceProperties PROPERTIES = new PresenceProperties(
            Duration.ofSeconds(20), Duration.ofSeconds(60), Duration.ofSeconds(10), Duration.ZERO);
    private static final long ROOM = 1;

    private final FakeClock clock = new FakeClock();
    private final FakeStore store = new FakeStore();
    private final Presence presence = new Presence(store, PROPERTIES, null, null, clock);
    private final List<Long> changes = new CopyOnWriteArrayList<>();
    private final Tokens alice = new Tokens("alice");
    private final Tokens bob = new Tokens("bob");

    PresenceTest() {
        presence.onChange(changes::add);
    }

    private String row(String user) {
        return user + ":" + ROOM + ":" + presence.instance();
    }

    @Test
    void aUserIsOnlineHereAtOnceAndOnceHoweverManyTabs() {
        Presence.Handle first = presence.enter(alice, "alice", "Alice Example", ROOM);
        Presence.Handle second = presence.enter(alice, "alice", "Alice Example", ROOM);
        Presence.Handle otherLogin = presence.enter(new Tokens("alice-2"), "alice", "Alice Example", ROOM);

        assertThat(presence.online(ROOM)).containsExactly("Alice Example");
        assertThat(presence.online(2)).isEmpty();
        assertThat(changes).containsExactly(ROOM);

        first.leave();
        first.leave();
        second.leave();
        assertThat(presence.online(ROOM)).containsExactly("Alice Example");
        otherLogin.leave();
        assertThat(presence.online(ROOM)).isEmpty();
        assertThat(changes).containsExactly(ROOM, ROOM);
    }

    @Test
    void theRowIsCreatedThenRefreshedEveryHeartbeatAndDeletedOnLeave() {
        Presence.Handle tab = presence.enter(alice, "alice", "Alice Example", ROOM);
        presence.cycle();
        assertThat(store.calls)
                .containsExactly("deleteStale alice 60000", "create alice " + row("alice"), "live alice [1]");

        clock.advance(Duration.ofSeconds(10));
        presence.cycle();
        assertThat(store.calls).hasSize(4).last().isEqualTo("live alice [1]");

        clock.advance(Duration.ofSeconds(10));
        presence.cycle();
        assertThat(store.calls.subList(4, store.calls.size()))
                .containsExactly("touch alice " + row("alice"), "live alice [1]");

        tab.leave();
        presence.cycle();
        assertThat(store.calls).last().isEqualTo("delete alice " + row("alice"));
        assertThat(store.rows).isEmpty();
    }

    @Test
    void aRowThatIsGoneIsCreatedAgainAndAnExistingOneIsRefreshed() {
        store.rows.put(row("alice"), "alice"); // left by this instance before a quick re-enter, say
        presence.enter(alice, "alice", "Alice Example", ROOM);
        presence.cycle();
        assertThat(store.calls).contains("create alice " + row("alice"), "touch alice " + row("alice"));

        store.rows.clear(); // expired and cleaned up by the user's next start elsewhere
        store.calls.clear();
        clock.advance(Duration.ofSeconds(20));
        presence.cycle();
        assertThat(store.calls).startsWith("touch alice " + row("alice"), "create alice " + row("alice"));
        assertThat(store.rows).containsKey(row("alice"));
    }

    @Test
    void otherInstancesUsersComeFromThePollEachOnceSortedByName() {
        presence.enter(alice, "alice", "alice lowercase", ROOM);
        store.others.add(new PresenceRow("bob:1:other", ROOM, "bob", "Bob", "Example"));
        store.others.add(new PresenceRow("bob:1:third", ROOM, "bob", "Bob", "Example"));
        store.others.add(new PresenceRow("carol:1:other", ROOM, "carol", "Carol", null));
        store.others.add(new PresenceRow("dan:2:other", 2L, "dan", "Dan", "Elsewhere"));
        store.others.add(new PresenceRow("nameless:1:other", ROOM, "nameless", null, " "));
        store.others.add(new PresenceRow("alice:1:other", ROOM, "alice", "Alice", "Remote"));
        presence.cycle();

        assertThat(presence.online(ROOM)).containsExactly("alice lowercase", "Bob Example", "Carol", "Unknown user");
        assertThat(changes).containsExactly(ROOM, ROOM);
    }

    @Test
    void ourOwnRowsInThePollNeverOutliveALeaveHere() {
        Presence.Handle tab = presence.enter(alice, "alice", "Alice Example", ROOM);
        presence.enter(bob, "bob", "Bob Example", ROOM);
        presence.cycle();
        store.failDeletes = true; // the delete does not reach Directus: the row lives on until it expires
        tab.leave();
        presence.cycle();
        clock.advance(Duration.ofSeconds(10));
        presence.cycle();

        assertThat(store.rows).containsKey(row("alice"));
        assertThat(presence.online(ROOM)).containsExactly("Bob Example");
    }

    @Test
    void withDirectusDownTheLastKnownListStaysAndTheWorkIsRetriedAfterAPause() {
        presence.enter(alice, "alice", "Alice Example", ROOM);
        store.others.add(new PresenceRow("bob:1:other", ROOM, "bob", "Bob", "Example"));
        presence.cycle();
        assertThat(presence.online(ROOM)).containsExactly("Alice Example", "Bob Example");

        store.down = true;
        store.calls.clear();
        clock.advance(Duration.ofSeconds(20));
        presence.cycle();
        assertThat(store.calls).containsExactly("touch alice " + row("alice"));
        clock.advance(Duration.ofSeconds(5));
        presence.cycle(); // paused: nothing is sent
        assertThat(store.calls).hasSize(1);
        assertThat(presence.online(ROOM)).containsExactly("Alice Example", "Bob Example");

        store.down = false;
        clock.advance(Duration.ofSeconds(5));
        presence.cycle();
        assertThat(store.calls)
                .containsExactly("touch alice " + row("alice"), "touch alice " + row("alice"), "live alice [1]");
    }

    @Test
    void aRefusedTokenSkipsThatLoginsHeartbeatAndAnotherLoginOfTheUserStandsIn() {
        Tokens ended = new Tokens("ended");
        presence.enter(ended, "alice", "Alice Example", ROOM);
        store.refused.add(ended);
        presence.cycle();
        assertThat(store.calls).containsExactly("deleteStale ended 60000", "live ended [1]");
        assertThat(presence.online(ROOM)).containsExactly("Alice Example");

        presence.enter(alice, "alice", "Alice Example", ROOM);
        clock.advance(Duration.ofSeconds(20));
        presence.cycle();
        assertThat(store.rows).containsKey(row("alice"));
    }

    @Test
    void aDeleteStillWaitingIsCancelledByAComingBack() {
        Presence.Handle tab = presence.enter(alice, "alice", "Alice Example", ROOM);
        presence.cycle();
        tab.leave();
        presence.enter(alice, "alice", "Alice Example", ROOM);
        store.calls.clear();
        clock.advance(Duration.ofSeconds(20));
        presence.cycle();
        assertThat(store.calls).doesNotContain("delete alice " + row("alice")).contains("touch alice " + row("alice"));
        assertThat(store.rows).containsKey(row("alice"));
    }

    @Test
    void intervalsAreChecked() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new PresenceProperties(
                        Duration.ofSeconds(20), Duration.ofSeconds(20), Duration.ofSeconds(10), Duration.ZERO))
                .hasMessageContaining("chat.presence.expiry");
        assertThat(PROPERTIES.tick()).isEqualTo(Duration.ofSeconds(1));
        assertThat(new PresenceProperties(
                                Duration.ofMillis(500), Duration.ofSeconds(2), Duration.ofMillis(200), Duration.ZERO)
                        .tick())
                .isEqualTo(Duration.ofMillis(40));
    }

    private static final class FakeClock extends Clock {

        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    private record Tokens(String name) implements AccessTokenSource {

        @Override
        public String accessToken() {
            return name;
        }

        @Override
        public String refreshAfterRejection(String rejected) {
            return name;
        }

        @Override
        public Instant renewAt() {
            return Instant.MAX;
        }
    }

    /** Rows by key → user; answers like Directus 12 does to a non-admin. */
    private static final class FakeStore implements PresenceStore {

        final List<String> calls = new CopyOnWriteArrayList<>();
        final Map<String, String> rows = new HashMap<>();
        final List<PresenceRow> others = new ArrayList<>();
        final List<AccessTokenSource> refused = new ArrayList<>();
        boolean down;
        boolean failDeletes;

        private void check(AccessTokenSource tokens) {
            if (down) {
                throw new DirectusException("Directus is unreachable", new java.net.ConnectException());
            }
            if (refused.contains(tokens)) {
                throw new DirectusException(401, "TOKEN_EXPIRED", "expired");
            }
        }

        private static String name(AccessTokenSource tokens) {
            return ((Tokens) tokens).name();
        }

        @Override
        public void create(AccessTokenSource tokens, String key, long room) {
            calls.add("create " + name(tokens) + " " + key);
            check(tokens);
            if (rows.containsKey(key)) {
                throw new DirectusException(400, "RECORD_NOT_UNIQUE", "has to be unique");
            }
            rows.put(key, name(tokens));
        }

        @Override
        public void touch(AccessTokenSource tokens, String key) {
            calls.add("touch " + name(tokens) + " " + key);
            check(tokens);
            if (!rows.containsKey(key)) {
                throw new DirectusException(403, "FORBIDDEN", "no permission or it does not exist");
            }
        }

        @Override
        public void delete(AccessTokenSource tokens, String key) {
            calls.add("delete " + name(tokens) + " " + key);
            check(tokens);
            if (failDeletes) {
                throw new DirectusException("Directus is unreachable", new java.net.ConnectException());
            }
            if (rows.remove(key) == null) {
                throw new DirectusException(403, "FORBIDDEN", "no permission or it does not exist");
            }
        }

        @Override
        public void deleteStale(AccessTokenSource tokens, Duration age) {
            calls.add("deleteStale " + name(tokens) + " " + age.toMillis());
            check(tokens);
        }

        @Override
        public List<PresenceRow> live(AccessTokenSource tokens, Collection<Long> rooms, Duration age) {
            calls.add("live " + name(tokens) + " " + rooms);
            check(tokens);
            List<PresenceRow> live = new ArrayList<>(others);
            rows.forEach((key, user) ->
                    live.add(new PresenceRow(key, Long.parseLong(key.split(":")[1]), user, user, "(own row)")));
            return live.stream().filter(r -> rooms.contains(r.room())).toList();
        }
    }
}
