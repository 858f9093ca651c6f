package com.directuschat.presence;

import com.directuschat.directus.AccessTokenSource;
import com.directuschat.directus.PresenceRow;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.TaskScheduler;

/**
 * Who is online, per room, across every instance of the chat server. Directus holds the truth: while a user has a
 * tab open in a room, this instance keeps a row {@code <user id>:<room id>:<instance id>} in the {@code presence}
 * collection fresh, as that user, every {@code heartbeatInterval}; Directus stamps it with its own clock, and a row
 * older than {@code expiry} no longer counts. Each instance reads the live rows of the rooms it has users in once per
 * {@code pollInterval} (one request, user names joined) and merges them with what it knows itself: its own users
 * appear at once and leave at once (after {@code leaveGrace}), here and, after their next poll, on the other
 * instances. Nobody subscribes to presence changes, so Directus's cost grows with the users, not with their square.
 * <p>
 * A user counts once per room however many tabs, logins and instances they have open. Each instance owns its rows:
 * leaving here deletes this instance's row only, so a tab of the same user on another instance keeps them listed.
 * <p>
 * Failures never reach the caller: with Directus unreachable, the last known list stays and the work is retried
 * after a pause; a refused token skips that user's heartbeat (ending the login is someone else's business); rows
 * that cannot be deleted expire.
 */
public final class Presence {

    /** One tab's presence in a room; {@link #leave()} may be called any number of times. */
    public interface Handle {

        void leave();
    }

    private static final Logger log = LoggerFactory.getLogger(Presence.class);
    /** Changes to a room's list within this many ms go out as one list. */
    static final long PUBLISH_DELAY_MS = 200;

    private static final Comparator<String> BY_NAME =
            String.CASE_INSENSITIVE_ORDER.thenComparing(Comparator.naturalOrder());

    private final PresenceWriter writer;
    private final PresenceProperties properties;
    private final TaskScheduler scheduler;
    private final PresenceLane lane;
    private final Clock clock;
    private final String instance;
    private ScheduledFuture<?> ticker;

    // Guarded by this.
    private final Map<PresenceEntry.Key, PresenceEntry> entries = new HashMap<>();
    /** Rows to delete, with the tokens of their user. */
    private final Map<String, AccessTokenSource> deletes = new LinkedHashMap<>();

    private final RemotePresence remote;
    private final RoomChanges changes;

    /**
     * @param scheduler runs the ticks and the leave grace; null in unit tests, which run {@link #cycle()} by hand
     * @param io runs the Directus calls, one at a time (at most one of its threads is used)
     */
    Presence(PresenceStore store, PresenceProperties properties, TaskScheduler scheduler, Executor io, Clock clock) {
        this.writer = new PresenceWriter(store, properties);
        this.properties = properties;
        this.scheduler = scheduler;
        this.lane = new PresenceLane(io, this::cycle);
        this.clock = clock;
        this.instance = Long.toString(new SecureRandom().nextLong() & Long.MAX_VALUE, 36);
        this.remote = new RemotePresence(instance, properties.pollInterval());
        this.changes = new RoomChanges(this::online, scheduler, Duration.ofMillis(PUBLISH_DELAY_MS), clock);
    }

    /** Starts the ticks that send heartbeats and polls when they are due. */
    synchronized void start() {
        if (scheduler != null && ticker == null) {
            ticker = scheduler.scheduleWithFixedDelay(this::requestCycle, properties.tick());
        }
    }

    /** Stops sending. Rows are left to expire: the tabs reconnect to another instance, which lists them anyway. */
    public void close() {
        lane.close();
        synchronized (this) {
            if (ticker != null) {
                ticker.cancel(false);
            }
        }
    }

    /**
     * The user, with a tab open in the room, counts as online until the handle leaves (and {@code leaveGrace} has
     * passed without another tab of theirs in the room). Calls no one but the change listeners: Directus is told
     * in the background.
     *
     * @param tokens the user's tokens: their row is written as them
     */
    public Handle enter(AccessTokenSource tokens, String userId, String displayName, long roomId) {
        Objects.requireNonNull(tokens, "tokens");
        Objects.requireNonNull(userId, "userId");
        PresenceEntry.Member member;
        synchronized (this) {
            PresenceEntry.Key key = new PresenceEntry.Key(userId, roomId);
            PresenceEntry entry = entries.get(key);
            if (entry == null) {
                entry = new PresenceEntry(key, userId + ":" + roomId + ":" + instance, clock.instant());
                entries.put(key, entry);
                // Its delete is still waiting: cancel it, and refresh the row instead of creating it.
                entry.created = deletes.remove(entry.row) != null;
                entry.attempted = entry.created;
                remote.entered(roomId);
            }
            if (entry.removal != null) {
                entry.removal.cancel(false);
                entry.removal = null;
            }
            entry.name = displayName == null || displayName.isBlank() ? RemotePresence.UNKNOWN_USER : displayName;
            member = new PresenceEntry.Member(this, entry, tokens);
            entry.members.add(member);
        }
        publish(roomId);
        requestCycle();
        return member;
    }

    /** The names of who is online in the room, sorted, each user once. */
    public synchronized List<String> online(long roomId) {
        Map<String, String> users = new HashMap<>(remote.users(roomId));
        for (PresenceEntry entry : entries.values()) {
            if (entry.key.room() == roomId) {
                users.put(entry.key.user(), entry.name);
            }
        }
        List<String> names = new ArrayList<>(users.values());
        names.sort(BY_NAME);
        return List.copyOf(names);
    }

    /**
     * Called with a room's id whenever its list changes (a user here entered or left, or a poll saw others come or
     * go), {@value #PUBLISH_DELAY_MS} ms after the first of a burst of changes, on the scheduler's thread; read the
     * list with {@link #online(long)}.
     */
    public void onChange(LongConsumer listener) {
        changes.listen(listener);
    }

    /** This instance's id, the last part of its rows' keys. */
    String instance() {
        return instance;
    }

    void leave(PresenceEntry.Member member) {
        if (!member.left.compareAndSet(false, true)) {
            return;
        }
        PresenceEntry entry = member.entry;
        synchronized (this) {
            entry.members.remove(member);
            entry.lastTokens = member.tokens;
            if (!entry.members.isEmpty() || entries.get(entry.key) != entry || entry.removal != null) {
                return;
            }
            if (scheduler != null && !properties.leaveGrace().isZero()) {
                entry.removal =
                        scheduler.schedule(() -> remove(entry), clock.instant().plus(properties.leaveGrace()));
                return;
            }
        }
        remove(entry);
    }

    private void remove(PresenceEntry entry) {
        synchronized (this) {
            if (!entry.members.isEmpty() || entries.get(entry.key) != entry) {
                return;
            }
            entries.remove(entry.key);
            entry.removal = null;
            if (entry.attempted) {
                deletes.put(entry.row, entry.lastTokens);
            }
        }
        publish(entry.key.room());
        requestCycle();
    }

    private void publish(long room) {
        changes.changed(room);
    }

    private void requestCycle() {
        lane.request();
    }

    /**
     * Sends what is due, one call at a time: deletes, then heartbeats, then the poll. Stops at the first sign that
     * Directus is unreachable and pauses until the next poll would be due.
     */
    void cycle() {
        try {
            Instant now = clock.instant();
            if (writer.paused(now)) {
                return;
            }
            if (sendDeletes(now) && sendHeartbeats(now)) {
                poll(now);
            }
        } catch (RuntimeException e) {
            log.warn("Presence update failed: {}", e.toString());
        }
    }

    private boolean sendDeletes(Instant now) {
        Map<String, AccessTokenSource> due;
        synchronized (this) {
            due = new LinkedHashMap<>(deletes);
            deletes.clear();
        }
        return writer.delete(due, now);
    }

    private boolean sendHeartbeats(Instant now) {
        List<PresenceEntry> due = new ArrayList<>();
        synchronized (this) {
            for (PresenceEntry entry : entries.values()) {
                if (!entry.nextBeat.isAfter(now)) {
                    due.add(entry);
                    entry.attempted = true;
                }
            }
        }
        for (PresenceEntry entry : due) {
            if (!writer.heartbeat(entry, logins(entry), now)) {
                return false;
            }
        }
        return true;
    }

    private void poll(Instant now) {
        Set<Long> rooms = new LinkedHashSet<>();
        List<AccessTokenSource> logins = new ArrayList<>();
        synchronized (this) {
            if (!remote.pollDue(now)) {
                return;
            }
            for (PresenceEntry entry : entries.values()) {
                rooms.add(entry.key.room());
                // Any user online here may read the list; a few candidates, in case a login just ended.
                if (logins.size() < 3) {
                    logins.addAll(logins(entry).stream()
                            .filter(t -> !logins.contains(t))
                            .limit(3 - logins.size())
                            .toList());
                }
            }
        }
        List<PresenceRow> rows = rooms.isEmpty() ? List.of() : writer.live(logins, rooms, now);
        if (rows != null) {
            apply(rows, rooms);
        }
    }

    /** Takes a poll's answer, and tells listeners which rooms changed. */
    private void apply(List<PresenceRow> rows, Set<Long> rooms) {
        Set<Long> touched;
        synchronized (this) {
            touched = remote.replace(rows, rooms);
        }
        touched.forEach(this::publish);
    }

    private synchronized List<AccessTokenSource> logins(PresenceEntry entry) {
        return entry.logins();
    }
}
