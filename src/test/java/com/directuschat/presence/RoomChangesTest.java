package com.directuschat.presence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import org.junit.jupiter.api.Test;
import org.springframework.core.task.TaskRejectedException;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

class RoomChangesTest {

    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
    private static final Duration DELAY = Duration.ofMillis(200);

    /** Keeps what is scheduled, and when for, until the test runs it. */
    static final class HeldScheduler extends ThreadPoolTaskScheduler {
        final List<Runnable> held = new ArrayList<>();
        final List<Instant> times = new ArrayList<>();
        boolean stopped;

        @Override
        public ScheduledFuture<?> schedule(Runnable task, Instant startTime) {
            if (stopped) {
                throw new TaskRejectedException("stopped");
            }
            held.add(task);
            times.add(startTime);
            return null;
        }

        void runAll() {
            List<Runnable> due = List.copyOf(held);
            held.clear();
            due.forEach(Runnable::run);
        }
    }

    private final Map<Long, List<String>> lists = new ConcurrentHashMap<>();
    private final List<Long> heard = new ArrayList<>();
    private final HeldScheduler scheduler = new HeldScheduler();
    private final RoomChanges changes = new RoomChanges(
            room -> lists.getOrDefault(room, List.of()), scheduler, DELAY, Clock.fixed(NOW, ZoneOffset.UTC));

    RoomChangesTest() {
        changes.listen(heard::add);
    }

    @Test
    void aCrowdJoiningWithinTheDelayIsOneChange() {
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= 1000; i++) {
            names.add("user " + i);
            lists.put(1L, List.copyOf(names));
            changes.changed(1);
        }
        assertThat(heard).isEmpty();
        assertThat(scheduler.held).hasSize(1);
        assertThat(scheduler.times).containsExactly(NOW.plus(DELAY));

        scheduler.runAll();
        assertThat(heard).containsExactly(1L);
    }

    @Test
    void aChangeAfterTheListWentOutIsAnotherChange() {
        lists.put(1L, List.of("Alice"));
        changes.changed(1);
        scheduler.runAll();
        lists.put(1L, List.of("Alice", "Bob"));
        changes.changed(1);
        assertThat(scheduler.held).hasSize(1);
        scheduler.runAll();
        assertThat(heard).containsExactly(1L, 1L);
    }

    @Test
    void roomsAreSeparateAndAnUnchangedListIsNoChange() {
        lists.put(1L, List.of("Alice"));
        lists.put(2L, List.of("Bob"));
        changes.changed(1);
        changes.changed(2);
        scheduler.runAll();
        assertThat(heard).containsExactlyInAnyOrder(1L, 2L);

        // A second tab of Alice's: the list is the same.
        changes.changed(1);
        scheduler.runAll();
        assertThat(heard).hasSize(2);

        // Everybody left: an empty list is a change once.
        lists.remove(2L);
        changes.changed(2);
        scheduler.runAll();
        changes.changed(2);
        scheduler.runAll();
        assertThat(heard).containsExactlyInAnyOrder(1L, 2L, 2L);
    }

    @Test
    void withoutASchedulerEachChangeIsLookedAtAtOnce() {
        RoomChanges direct = new RoomChanges(
                room -> lists.getOrDefault(room, List.of()), null, DELAY, Clock.fixed(NOW, ZoneOffset.UTC));
        List<Long> now = new ArrayList<>();
        direct.listen(now::add);
        lists.put(1L, List.of("Alice"));
        direct.changed(1);
        lists.put(1L, List.of("Alice", "Bob"));
        direct.changed(1);
        assertThat(now).containsExactly(1L, 1L);
    }

    @Test
    void aChangeWhileTheSchedulerStopsIsDropped() {
        scheduler.stopped = true;
        lists.put(1L, List.of("Alice"));
        assertThatCode(() -> changes.changed(1)).doesNotThrowAnyException();
        assertThat(heard).isEmpty();

        // Started again (a test context, say): the room is not stuck as already due.
        scheduler.stopped = false;
        changes.changed(1);
        scheduler.runAll();
        assertThat(heard).containsExactly(1L);
    }
}
