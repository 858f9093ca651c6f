package com.directuschat.presence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Presence on a fake clock, two instances sharing a fake Redis (sorted sets with expiry scores, pub/sub delivered at
 * once), one round at a time: no scheduler, so the test runs each {@link Presence#cycle()} and {@link Presence#tick()}.
 * The real Redis is in {@code PresenceIT}.
 */
class PresenceTest {

    private static final PresenceProperties PROPERTIES = PresenceProperties.of(
            Duration.ofSeconds(20), Duration.ofSeconds(60), Duration.ofSeconds(10), Duration.ZERO);
    private static final long ROOM = 1;

    private final FakeClock clock = new FakeClock();
    private final FakeRedis redis = new FakeRedis();
    private final Presence a = instance();
    private final Presence b = instance();
    private final List<Long> changesOnB = new CopyOnWriteArrayList<>();
    private final List<Long> typingOnB = new CopyOnWriteArrayList<>();

    PresenceTest() {
        b.onChange(changesOnB::add);
        b.onTyping(typingOnB::add);
    }

    private Presence instance() {
        Presence presence = new Presence(new FakeShare(redis), PROPERTIES, null, null, clock);
        presence.start();
        return presence;
    }

    private void rounds() {
        a.cycle();
        b.cycle();
        a.cycle();
        b.cycle();
    }

    @Test
    void aUserIsOnlineHereAtOnceAndOnceHoweverManyTabs() {
        Presence alone = new Presence(PresenceShare.NONE, PROPERTIES, null, null, clock);
        List<Long> changes = new ArrayList<>();
        alone.onChange(changes::add);
        Presence.Handle first = alone.enter("alice", "Alice Example", ROOM);
        Presence.Handle second = alone.enter("alice", "Alice Example", ROOM);

        assertThat(alone.online(ROOM)).containsExactly("Alice Example");
        assertThat(alone.online(2)).isEmpty();
        assertThat(changes).containsExactly(ROOM);

        first.leave();
        first.leave();
        assertThat(alone.online(ROOM)).containsExactly("Alice Example");
        second.leave();
        assertThat(alone.online(ROOM)).isEmpty();
        assertThat(changes).containsExactly(ROOM, ROOM);
        alone.cycle(); // nothing to share with: nothing happens
    }

    @Test
    void anotherInstancesUsersShowAfterItsSignalEachOnceSortedByName() {
        b.enter("bob", "Bob Example", ROOM);
        b.cycle();
        a.enter("alice", "alice lowercase", ROOM);
        a.enter("carol", " ", ROOM);
        a.enter("dan", "Dan Elsewhere", 2);
        assertThat(b.online(ROOM)).containsExactly("Bob Example");

        a.cycle(); // writes and tells: B reads at its next round
        b.cycle();

        assertThat(b.online(ROOM)).containsExactly("alice lowercase", "Bob Example", "Unknown user");
        assertThat(a.online(ROOM)).containsExactly("alice lowercase", "Bob Example", "Unknown user");
        assertThat(b.online(2)).isEmpty(); // nobody on B is in room 2: B does not read it
        assertThat(changesOnB).containsOnly(ROOM).hasSize(2);
        assertThat(redis.reads).doesNotContain("b reads [2]");
    }

    @Test
    void aUserWithTabsOnTwoInstancesStaysUntilTheLastOneLeaves() {
        b.enter("bob", "Bob Example", ROOM);
        a.enter("dan", "Dan Example", ROOM);
        Presence.Handle onA = a.enter("alice", "Alice Example", ROOM);
        Presence.Handle onB = b.enter("alice", "Alice Example", ROOM);
        rounds();
        assertThat(redis.members(ROOM)).hasSize(4);
        assertThat(a.online(ROOM)).containsExactly("Alice Example", "Bob Example", "Dan Example");

        onA.leave();
        rounds();
        assertThat(a.online(ROOM)).containsExactly("Alice Example", "Bob Example", "Dan Example");
        assertThat(redis.members(ROOM)).hasSize(3);

        onB.leave();
        rounds();
        assertThat(a.online(ROOM)).containsExactly("Bob Example", "Dan Example");
        assertThat(b.online(ROOM)).containsExactly("Bob Example", "Dan Example");
        assertThat(redis.members(ROOM)).hasSize(2);
    }

    @Test
    void anInstanceWithNobodyInARoomForgetsItsList() {
        b.enter("bob", "Bob Example", ROOM);
        Presence.Handle tab = a.enter("alice", "Alice Example", ROOM);
        rounds();
        tab.leave();
        rounds();
        assertThat(a.online(ROOM)).isEmpty();
        assertThat(b.online(ROOM)).containsExactly("Bob Example");
    }

    @Test
    void theLastTabLeavingRemovesTheEntryAndTheOthersHearOfItAtOnce() {
        b.enter("bob", "Bob Example", ROOM);
        Presence.Handle tab = a.enter("alice", "Alice Example", ROOM);
        rounds();
        assertThat(b.online(ROOM)).containsExactly("Alice Example", "Bob Example");

        tab.leave();
        assertThat(a.online(ROOM)).isEmpty();
        a.cycle();
        b.cycle();
        assertThat(b.online(ROOM)).containsExactly("Bob Example");
        assertThat(redis.members(ROOM)).containsExactly(b.instance() + " bob");
    }

    @Test
    void entriesAreRefreshedEveryHeartbeatAndThoseOfAStoppedInstanceExpire() {
        b.enter("bob", "Bob Example", ROOM);
        a.enter("alice", "Alice Example", ROOM);
        rounds();
        for (int i = 0; i < 6; i++) {
            clock.advance(Duration.ofSeconds(10));
            a.cycle();
            b.cycle();
        }
        assertThat(b.online(ROOM)).containsExactly("Alice Example", "Bob Example");

        a.close(); // as if it crashed: no leave, no more heartbeats; the poll sees its entries expire
        clock.advance(Duration.ofSeconds(50));
        b.cycle();
        assertThat(b.online(ROOM)).containsExactly("Alice Example", "Bob Example");
        clock.advance(Duration.ofSeconds(11));
        b.cycle();
        assertThat(b.online(ROOM)).containsExactly("Bob Example");
    }

    @Test
    void withRedisDownTheListsShowThisInstancesUsersOnlyAndRecoverWhenItReturns() {
        b.enter("bob", "Bob Example", ROOM);
        a.enter("alice", "Alice Example", ROOM);
        rounds();
        changesOnB.clear();

        redis.down = true;
        clock.advance(Duration.ofSeconds(20));
        b.cycle();
        assertThat(b.online(ROOM)).containsExactly("Bob Example");
        assertThat(changesOnB).containsExactly(ROOM);
        b.enter("carol", "Carol Example", ROOM);
        b.typing("carol", "Carol Example", ROOM); // stays on this instance
        assertThat(b.online(ROOM)).containsExactly("Bob Example", "Carol Example");
        int calls = redis.calls;
        clock.advance(Duration.ofSeconds(5));
        b.cycle(); // paused: nothing is tried
        assertThat(redis.calls).isEqualTo(calls);

        redis.down = false;
        clock.advance(Duration.ofSeconds(5));
        b.cycle(); // everything written again, every room read again
        assertThat(b.online(ROOM)).containsExactly("Alice Example", "Bob Example", "Carol Example");
        assertThat(redis.members(ROOM)).contains(b.instance() + " bob", b.instance() + " carol");
    }

    @Test
    void typingShowsEverywhereUntilItExpires() {
        b.enter("bob", "Bob Example", ROOM);
        a.enter("alice", "Alice Example", ROOM);
        rounds();

        a.typing("alice", "Alice Example", ROOM);
        assertThat(a.typing(ROOM)).containsExactly(new Presence.Typist("alice", "Alice Example"));
        a.cycle();
        assertThat(b.typing(ROOM)).containsExactly(new Presence.Typist("alice", "Alice Example"));
        assertThat(typingOnB).containsExactly(ROOM);

        // Signals every 2 s keep it; the others hear at most one a second.
        for (int i = 0; i < 3; i++) {
            clock.advance(Duration.ofSeconds(2));
            a.typing("alice", "Alice Example", ROOM);
            a.typing("alice", "Alice Example", ROOM);
            a.cycle();
            a.tick();
            b.tick();
        }
        assertThat(redis.published).filteredOn(s -> s.startsWith("TYPING")).hasSize(4);
        assertThat(b.typing(ROOM)).hasSize(1);

        clock.advance(Duration.ofMillis(3900));
        a.tick();
        b.tick();
        assertThat(b.typing(ROOM)).hasSize(1);
        clock.advance(Duration.ofMillis(100));
        a.tick();
        b.tick();
        assertThat(a.typing(ROOM)).isEmpty();
        assertThat(b.typing(ROOM)).isEmpty();
        assertThat(typingOnB).containsExactly(ROOM, ROOM);
    }

    @Test
    void sendingEndsTypingAtOnceAndASignalRightAfterIsIgnored() {
        b.enter("bob", "Bob Example", ROOM);
        a.enter("alice", "Alice Example", ROOM);
        a.typing("alice", "Alice Example", ROOM);
        a.typing("carol", "Carol Example", ROOM);
        rounds();
        assertThat(b.typing(ROOM)).extracting(Presence.Typist::name).containsExactly("Alice Example", "Carol Example");

        a.stoppedTyping("alice", ROOM);
        assertThat(a.typing(ROOM)).extracting(Presence.Typist::name).containsExactly("Carol Example");
        a.cycle();
        assertThat(b.typing(ROOM)).extracting(Presence.Typist::name).containsExactly("Carol Example");

        // A signal the browser sent before the message, arriving after it: ignored here, and not passed on.
        long told = redis.published.stream().filter(p -> p.startsWith("TYPING")).count();
        clock.advance(Duration.ofMillis(500));
        a.typing("alice", "Alice Example", ROOM);
        a.cycle();
        assertThat(a.typing(ROOM)).extracting(Presence.Typist::name).containsExactly("Carol Example");
        assertThat(redis.published).filteredOn(p -> p.startsWith("TYPING")).hasSize((int) told);
        clock.advance(Duration.ofMillis(600));
        a.typing("alice", "Alice Example", ROOM);
        a.cycle();
        assertThat(b.typing(ROOM)).extracting(Presence.Typist::name).containsExactly("Alice Example", "Carol Example");
    }

    @Test
    void signalsOnTheChannelThatAreNotSignalsAreDropped() {
        assertThat(RedisPresenceShare.decode("hello")).isNull();
        assertThat(RedisPresenceShare.decode("TYPING\na\nnot-a-room\nu\nn")).isNull();
        assertThat(RedisPresenceShare.decode("SHOUTING\na\n1\nu\nn")).isNull();
        assertThat(RedisPresenceShare.decode("TYPING\na\n1\nu\nName\nwith a line"))
                .isEqualTo(
                        new PresenceShare.Signal(PresenceShare.Signal.Kind.TYPING, "a", 1, "u", "Name\nwith a line"));
        assertThat(RedisPresenceShare.decode("CHANGED\na\n1\n\n"))
                .isEqualTo(new PresenceShare.Signal(PresenceShare.Signal.Kind.CHANGED, "a", 1, null, null));
    }

    @Test
    void intervalsAreChecked() {
        assertThatThrownBy(() -> PresenceProperties.of(
                        Duration.ofSeconds(20), Duration.ofSeconds(20), Duration.ofSeconds(10), Duration.ZERO))
                .hasMessageContaining("chat.presence.expiry");
        assertThat(PROPERTIES.tick()).isEqualTo(Duration.ofMillis(250));
        assertThat(PresenceProperties.of(
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

    /** Per room: "instance user" → the entry and when it expires; signals go to every subscriber at once. */
    private static final class FakeRedis {

        final Map<Long, Map<String, PresenceShare.Shared>> rooms = new HashMap<>();
        final Map<String, Instant> expiries = new HashMap<>();
        final List<Consumer<PresenceShare.Signal>> subscribers = new CopyOnWriteArrayList<>();
        final List<String> published = new ArrayList<>();
        final List<String> reads = new ArrayList<>();
        boolean down;
        int calls;

        void call() {
            calls++;
            if (down) {
                throw new IllegalStateException("Redis is down");
            }
        }

        List<String> members(long room) {
            return rooms.getOrDefault(room, Map.of()).keySet().stream().sorted().toList();
        }
    }

    private static final class FakeShare implements PresenceShare {

        private final FakeRedis redis;

        FakeShare(FakeRedis redis) {
            this.redis = redis;
        }

        @Override
        public boolean shared() {
            return true;
        }

        @Override
        public void put(String instance, Collection<Member> members, Instant expires) {
            redis.call();
            for (Member m : members) {
                String key = instance + " " + m.userId();
                redis.rooms
                        .computeIfAbsent(m.room(), room -> new HashMap<>())
                        .put(key, new Shared(instance, m.room(), m.userId(), m.name()));
                redis.expiries.put(m.room() + " " + key, expires);
            }
        }

        @Override
        public void remove(String instance, Collection<Member> members) {
            redis.call();
            for (Member m : members) {
                redis.rooms.getOrDefault(m.room(), new HashMap<>()).remove(instance + " " + m.userId());
            }
        }

        @Override
        public List<Shared> read(Collection<Long> rooms, Instant now) {
            redis.call();
            redis.reads.add(rooms.toString());
            List<Shared> found = new ArrayList<>();
            for (long room : rooms) {
                redis.rooms.getOrDefault(room, Map.of()).forEach((key, shared) -> {
                    if (redis.expiries.get(room + " " + key).isAfter(now)) {
                        found.add(shared);
                    }
                });
            }
            return found;
        }

        @Override
        public void publish(Signal signal) {
            redis.call();
            redis.published.add(signal.kind() + " " + signal.room() + " " + signal.userId());
            redis.subscribers.forEach(s -> s.accept(signal));
        }

        @Override
        public void subscribe(Consumer<Signal> listener) {
            redis.subscribers.add(listener);
        }

        @Override
        public void connect() {}

        @Override
        public void close() {}
    }
}
