package com.directuschat.presence;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongConsumer;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.task.TaskRejectedException;
import org.springframework.scheduling.TaskScheduler;

/**
 * Tells {@link Presence}'s listeners that a room's online list changed, when it differs from the one they last heard
 * of. With a scheduler, the changes to a room within {@code delay} go out as one: a crowd joining a room makes a few
 * lists (each tab gets each, rendered with every name), not one per join.
 */
final class RoomChanges {

    private static final Logger log = LoggerFactory.getLogger(RoomChanges.class);

    private final LongFunction<List<String>> online;
    private final TaskScheduler scheduler;
    private final Duration delay;
    private final Clock clock;
    private final List<LongConsumer> listeners = new CopyOnWriteArrayList<>();

    // Guarded by this.
    private final Map<Long, List<String>> published = new HashMap<>();
    private final Set<Long> due = new HashSet<>();

    /** @param scheduler null: every change is looked at on the caller's thread, at once (unit tests) */
    RoomChanges(LongFunction<List<String>> online, TaskScheduler scheduler, Duration delay, Clock clock) {
        this.online = online;
        this.scheduler = scheduler;
        this.delay = delay;
        this.clock = clock;
    }

    void listen(LongConsumer listener) {
        listeners.add(listener);
    }

    /** The room's list may have changed. Call without holding the lock {@code online} takes. */
    void changed(long room) {
        if (scheduler == null) {
            publish(room);
            return;
        }
        synchronized (this) {
            if (!due.add(room)) {
                return;
            }
        }
        try {
            scheduler.schedule(() -> publish(room), clock.instant().plus(delay));
        } catch (TaskRejectedException stopping) {
            // The context is closing: the tabs are going, nobody is left to tell.
            synchronized (this) {
                due.remove(room);
            }
        }
    }

    private void publish(long room) {
        boolean changed;
        synchronized (this) {
            due.remove(room);
            List<String> now = online.apply(room);
            List<String> before = now.isEmpty() ? published.remove(room) : published.put(room, now);
            changed = !now.equals(before == null ? List.of() : before);
        }
        if (changed) {
            for (LongConsumer listener : listeners) {
                try {
                    listener.accept(room);
                } catch (RuntimeException e) {
                    log.warn("A presence listener failed: {}", e.toString());
                }
            }
        }
    }
}
