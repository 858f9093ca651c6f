package com.directuschat.presence;

import com.directuschat.directus.PresenceRow;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who the other instances list, as of the last poll, and when the next poll is due. Not thread-safe: guarded by
 * the owning {@link Presence}.
 */
final class RemotePresence {

    static final String UNKNOWN_USER = "Unknown user";

    private final String ownSuffix;
    private final Duration pollInterval;
    /** room → user id → name. */
    private Map<Long, Map<String, String>> users = Map.of();

    private Set<Long> polledRooms = Set.of();
    private Instant nextPoll = Instant.MIN;

    RemotePresence(String instance, Duration pollInterval) {
        this.ownSuffix = ":" + instance;
        this.pollInterval = pollInterval;
    }

    Map<String, String> users(long room) {
        return users.getOrDefault(room, Map.of());
    }

    /** A room nobody here was in at the last poll: poll at the next cycle rather than list it late. */
    void entered(long room) {
        if (!polledRooms.contains(room)) {
            nextPoll = Instant.MIN;
        }
    }

    /** Whether a poll is due; if so, the next one is due a poll interval from now. */
    boolean pollDue(Instant now) {
        if (now.isBefore(nextPoll)) {
            return false;
        }
        nextPoll = now.plus(pollInterval);
        return true;
    }

    /** Replaces what is known with a poll's answer of the rooms; returns the rooms whose lists may have changed. */
    Set<Long> replace(List<PresenceRow> rows, Set<Long> rooms) {
        Map<Long, Map<String, String>> found = new HashMap<>();
        for (PresenceRow row : rows) {
            if (row.room() == null
                    || row.userId() == null
                    || row.key() == null
                    || row.key().endsWith(ownSuffix)) {
                continue;
            }
            found.computeIfAbsent(row.room(), room -> new HashMap<>()).put(row.userId(), name(row));
        }
        Set<Long> touched = new HashSet<>(rooms);
        touched.addAll(users.keySet());
        users = found;
        polledRooms = Set.copyOf(rooms);
        return touched;
    }

    private static String name(PresenceRow row) {
        String name = ((row.firstName() == null ? "" : row.firstName().trim()) + " "
                        + (row.lastName() == null ? "" : row.lastName().trim()))
                .trim();
        return name.isEmpty() ? UNKNOWN_USER : name;
    }
}
