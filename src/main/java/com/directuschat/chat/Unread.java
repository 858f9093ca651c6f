package com.directuschat.chat;

import com.directuschat.directus.ThreadPools;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.TaskScheduler;

/**
 * A login's unread counts and read positions per room. Counts come from Directus when a page is rendered and
 * then follow the live messages; positions advance as the login's tabs show messages and are written back to
 * Directus (where they outlive the login) at most once per {@code saveDelay} per room.
 */
final class Unread {

    /** Writes a read position to Directus as the user. */
    @FunctionalInterface
    interface Store {
        void save(long roomId, long lastRead);
    }

    private static final Logger log = LoggerFactory.getLogger(Unread.class);

    private final Store store;
    private final Duration saveDelay;
    private final Executor worker;
    private final TaskScheduler timer;
    private final Map<Long, Integer> counts = new HashMap<>();
    private final Map<Long, Integer> mentions = new HashMap<>();
    private final Map<Long, Long> readUpTo = new HashMap<>();
    private final Set<Long> unsaved = new HashSet<>();
    private boolean saveScheduled;

    Unread(Store store, Duration saveDelay, Executor worker, TaskScheduler timer) {
        this.store = store;
        this.saveDelay = saveDelay;
        this.worker = worker;
        this.timer = timer;
    }

    /** Counts as Directus has them now (a page was rendered); positions only ever move forward. */
    synchronized void reset(Map<Long, Integer> fresh, Map<Long, Long> positions) {
        reset(fresh, Map.of(), positions);
    }

    /** The same, with the unread messages that mention the user, by room. */
    synchronized void reset(Map<Long, Integer> fresh, Map<Long, Integer> freshMentions, Map<Long, Long> positions) {
        counts.clear();
        mentions.clear();
        fresh.forEach((room, n) -> {
            if (n > 0) {
                counts.put(room, n);
            }
        });
        freshMentions.forEach((room, n) -> {
            if (n > 0) {
                mentions.put(room, n);
            }
        });
        positions.forEach((room, id) -> readUpTo.merge(room, id, Math::max));
    }

    /** The room was shown up to {@code id}: its count clears and its position moves there (saved soon). */
    synchronized void read(long roomId, long id) {
        counts.remove(roomId);
        mentions.remove(roomId);
        // A room opened for the first time gets a position even when it is empty: it has been opened.
        if (id > readUpTo.getOrDefault(roomId, 0L) || !readUpTo.containsKey(roomId)) {
            readUpTo.put(roomId, id);
            unsaved.add(roomId);
            scheduleSave();
        }
    }

    /** The room was opened (a page of it rendered): read as {@link #read}, and saved at once, not later. */
    void opened(long roomId, long id) {
        read(roomId, id);
        worker.execute(this::flush);
    }

    /** The positions this login knows, which may be ahead of Directus's by a save not yet made. */
    synchronized Map<Long, Long> positions() {
        return Map.copyOf(readUpTo);
    }

    /** A message by someone else arrived in a room no tab shows; false when it was read already. */
    synchronized boolean arrived(long roomId, long id) {
        return arrived(roomId, id, false);
    }

    /** The same; {@code mentionsUser}: it mentions this login's user, which counts as a mention too. */
    synchronized boolean arrived(long roomId, long id, boolean mentionsUser) {
        if (id <= readUpTo.getOrDefault(roomId, 0L)) {
            return false;
        }
        counts.merge(roomId, 1, Integer::sum);
        if (mentionsUser) {
            mentions.merge(roomId, 1, Integer::sum);
        }
        return true;
    }

    synchronized Map<Long, Integer> counts() {
        return Map.copyOf(counts);
    }

    /** Unread messages that mention the user, by room. */
    synchronized Map<Long, Integer> mentions() {
        return Map.copyOf(mentions);
    }

    synchronized long readUpTo(long roomId) {
        return readUpTo.getOrDefault(roomId, 0L);
    }

    /** Writes what is unsaved now (the login's last tab closed, or the login ends). */
    void flush() {
        Map<Long, Long> toSave = new HashMap<>();
        synchronized (this) {
            unsaved.forEach(room -> toSave.put(room, readUpTo.get(room)));
            unsaved.clear();
        }
        toSave.forEach((room, id) -> {
            try {
                store.save(room, id);
            } catch (RuntimeException e) {
                // The count comes back on the next page; nothing else depends on it.
                log.info("Saving the read position of room {} failed: {}", room, e.toString());
            }
        });
    }

    private void scheduleSave() {
        if (saveScheduled) {
            return;
        }
        saveScheduled = true;
        ThreadPools.later(timer, saveDelay, worker, () -> {
            synchronized (this) {
                saveScheduled = false;
            }
            flush();
        });
    }
}
