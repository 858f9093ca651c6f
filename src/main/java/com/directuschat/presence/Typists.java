package com.directuschat.presence;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who is typing where, on every instance, as far as this one knows: a user types until {@code expiry} after their
 * last signal, or until they send. Right after a send their signals are ignored for {@link #QUIET}: a signal the
 * browser sent just before the message may arrive just after it. Not thread-safe: guarded by {@link Presence}.
 */
final class Typists {

    /** After a send, the user's typing signals are ignored this long. */
    static final Duration QUIET = Duration.ofSeconds(1);
    /** A user's typing is told to the other instances at most this often (the browser signals every 2 s). */
    static final Duration SHARE_EVERY = Duration.ofSeconds(1);

    private static final Comparator<Presence.Typist> BY_NAME = Comparator.comparing(
                    Presence.Typist::name, String.CASE_INSENSITIVE_ORDER)
            .thenComparing(Presence.Typist::name)
            .thenComparing(Presence.Typist::userId);

    private record Typing(String name, Instant until) {}

    private final Duration expiry;
    private final Map<PresenceEntry.Key, Typing> typing = new HashMap<>();
    private final Map<PresenceEntry.Key, Instant> quietUntil = new HashMap<>();
    private final Map<PresenceEntry.Key, Instant> sharedAt = new HashMap<>();

    Typists(Duration expiry) {
        this.expiry = expiry;
    }

    /** Whether the user sent a message a moment ago: their typing signals are ignored. */
    boolean quiet(PresenceEntry.Key key, Instant now) {
        Instant quiet = quietUntil.get(key);
        return quiet != null && now.isBefore(quiet);
    }

    /** A typing signal; true when the room's typists changed (someone started, or changed their name). */
    boolean typing(PresenceEntry.Key key, String name, Instant now) {
        if (quiet(key, now)) {
            return false;
        }
        Typing before = typing.put(key, new Typing(name, now.plus(expiry)));
        return before == null || !before.name().equals(name);
    }

    /** Whether this instance's signal for the user should go to the others now (at most once a {@link #SHARE_EVERY}). */
    boolean share(PresenceEntry.Key key, Instant now) {
        Instant last = sharedAt.get(key);
        if (last != null && now.isBefore(last.plus(SHARE_EVERY))) {
            return false;
        }
        sharedAt.put(key, now);
        return true;
    }

    /** The user sent a message (or stopped): true when they were typing. */
    boolean stopped(PresenceEntry.Key key, Instant now) {
        quietUntil.put(key, now.plus(QUIET));
        sharedAt.remove(key);
        return typing.remove(key) != null;
    }

    /** Drops the typists whose time is up; returns their rooms. */
    Set<Long> expire(Instant now) {
        Set<Long> rooms = new HashSet<>();
        typing.entrySet().removeIf(e -> {
            boolean over = !now.isBefore(e.getValue().until());
            if (over) {
                rooms.add(e.getKey().room());
                sharedAt.remove(e.getKey());
            }
            return over;
        });
        quietUntil.values().removeIf(until -> !now.isBefore(until));
        return rooms;
    }

    boolean isEmpty() {
        return typing.isEmpty() && quietUntil.isEmpty();
    }

    /** Who is typing in the room, sorted by name. */
    List<Presence.Typist> in(long room) {
        List<Presence.Typist> found = new ArrayList<>();
        typing.forEach((key, t) -> {
            if (key.room() == room) {
                found.add(new Presence.Typist(key.user(), t.name()));
            }
        });
        found.sort(BY_NAME);
        return List.copyOf(found);
    }
}
