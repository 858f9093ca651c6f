package com.directuschat.presence;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.TaskScheduler;

import com.directuschat.directus.AccessTokenSource;
import com.directuschat.directus.DirectusException;
import com.directuschat.directus.PresenceRow;

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
    private static final Comparator<String> BY_NAME = String.CASE_INSENSITIVE_ORDER.thenComparing(Comparator.naturalOrder());
    private static final String UNKNOWN_USER = "Unknown user";

    private final PresenceStore store;
    private final PresenceProperties properties;
    private final TaskScheduler scheduler;
    private final Executor io;
    private final Clock clock;
    private final String instance;
    private final List<LongConsumer> listeners = new CopyOnWriteArrayList<>();
    /** Requests for a cycle; the io lane runs cycles one at a time until none is left. */
    private final AtomicInteger cycleRequests = new AtomicInteger();
    private final AtomicBoolean unreachable = new AtomicBoolean();
    private final Set<String> refusedOnce = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    private ScheduledFuture<?> ticker;

    // Guarded by this.
    private final Map<Key, Entry> entries = new HashMap<>();
    /** Rows to delete, with the tokens of their user. */
    private final Map<String, AccessTokenSource> deletes = new LinkedHashMap<>();
    /** Other instances' live rows as of the last poll: room → user id → name. */
    private Map<Long, Map<String, String>> remote = Map.of();
    private Set<Long> polledRooms = Set.of();
    private final Map<Long, List<String>> published = new HashMap<>();
    private Instant nextPoll = Instant.MIN;
    private Instant pausedUntil = Instant.MIN;

    /**
     * @param scheduler runs the ticks and the leave grace; null in unit tests, which run {@link #cycle()} by hand
     * @param io runs the Directus calls, one at a time (at most one of its threads is used)
     */
    Presence(PresenceStore store, PresenceProperties properties, TaskScheduler scheduler, Executor io, Clock clock) {
        this.store = store;
        this.properties = properties;
        this.scheduler = scheduler;
        this.io = io;
        this.clock = clock;
        this.instance = Long.toString(new SecureRandom().nextLong() & Long.MAX_VALUE, 36);
    }

    /** Starts the ticks that send heartbeats and polls when they are due. */
    synchronized void start() {
        if (scheduler != null && ticker == null) {
            ticker = scheduler.scheduleWithFixedDelay(this::requestCycle, properties.tick());
        }
    }

    /**
     * Stops sending. Rows are left to expire: the users' tabs reconnect to another instance, which lists them anyway.
     */
    public void close() {
        closed = true;
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
        Member member;
        synchronized (this) {
            Key key = new Key(userId, roomId);
            Entry entry = entries.get(key);
            if (entry == null) {
                entry = new Entry(key, userId + ":" + roomId + ":" + instance, clock.instant());
                entries.put(key, entry);
                // Its delete is still waiting: cancel it, and refresh the row instead of creating it.
                entry.created = deletes.remove(entry.row) != null;
                entry.attempted = entry.created;
                if (!polledRooms.contains(roomId)) {
                    nextPoll = Instant.MIN;
                }
            }
            if (entry.removal != null) {
                entry.removal.cancel(false);
                entry.removal = null;
            }
            entry.name = displayName == null || displayName.isBlank() ? UNKNOWN_USER : displayName;
            member = new Member(entry, tokens);
            entry.members.add(member);
        }
        publish(roomId);
        requestCycle();
        return member;
    }

    /** The names of who is online in the room, sorted, each user once. */
    public synchronized List<String> online(long roomId) {
        Map<String, String> users = new HashMap<>(remote.getOrDefault(roomId, Map.of()));
        for (Entry entry : entries.values()) {
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
     * go), on whichever thread noticed; read the list with {@link #online(long)}.
     */
    public void onChange(LongConsumer listener) {
        listeners.add(listener);
    }

    /** This instance's id, the last part of its rows' keys. */
    String instance() {
        return instance;
    }

    private void leave(Member member) {
        if (!member.left.compareAndSet(false, true)) {
            return;
        }
        Entry entry = member.entry;
        synchronized (this) {
            entry.members.remove(member);
            entry.lastTokens = member.tokens;
            if (!entry.members.isEmpty() || entries.get(entry.key) != entry || entry.removal != null) {
                return;
            }
            if (scheduler != null && !properties.leaveGrace().isZero()) {
                entry.removal = scheduler.schedule(() -> remove(entry), clock.instant().plus(properties.leaveGrace()));
                return;
            }
        }
        remove(entry);
    }

    private void remove(Entry entry) {
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
        boolean changed;
        synchronized (this) {
            List<String> now = online(room);
            List<String> before = now.isEmpty() ? published.remove(room) : published.put(room, now);
            changed = !now.equals(before == null ? List.of() : before);
        }
        if (changed) {
            for (LongConsumer listener : listeners) {
                try {
                    listener.accept(room);
                }
                catch (RuntimeException e) {
                    log.warn("A presence listener failed: {}", e.toString());
                }
            }
        }
    }

    private void requestCycle() {
        if (closed || io == null || cycleRequests.getAndIncrement() != 0) {
            return;
        }
        try {
            io.execute(this::drainCycles);
        }
        catch (RejectedExecutionException e) {
            cycleRequests.set(0);
        }
    }

    private void drainCycles() {
        int seen;
        do {
            seen = cycleRequests.get();
            cycle();
        }
        while (cycleRequests.addAndGet(-seen) != 0 && !closed);
        if (closed) {
            cycleRequests.set(0);
        }
    }

    /**
     * Sends what is due, one call at a time: deletes, then heartbeats, then the poll. Stops at the first sign that
     * Directus is unreachable and pauses until the next poll would be due.
     */
    void cycle() {
        try {
            Instant now = clock.instant();
            synchronized (this) {
                if (now.isBefore(pausedUntil)) {
                    return;
                }
            }
            if (sendDeletes(now) && sendHeartbeats(now)) {
                poll(now);
            }
        }
        catch (RuntimeException e) {
            log.warn("Presence update failed: {}", e.toString());
        }
    }

    private boolean sendDeletes(Instant now) {
        Map<String, AccessTokenSource> due;
        synchronized (this) {
            due = new LinkedHashMap<>(deletes);
            deletes.clear();
        }
        for (Map.Entry<String, AccessTokenSource> delete : due.entrySet()) {
            try {
                store.delete(delete.getValue(), delete.getKey());
            }
            catch (DirectusException e) {
                if (isOutage(e)) {
                    pause(now, e);
                    return false;
                }
                // Gone already, or the login ended: the row expires by itself.
            }
        }
        return true;
    }

    private boolean sendHeartbeats(Instant now) {
        List<Entry> due = new ArrayList<>();
        synchronized (this) {
            for (Entry entry : entries.values()) {
                if (!entry.nextBeat.isAfter(now)) {
                    due.add(entry);
                    entry.attempted = true;
                }
            }
        }
        for (Entry entry : due) {
            if (!heartbeat(entry, now)) {
                return false;
            }
        }
        return true;
    }

    /** False when Directus is unreachable (the entry stays due). */
    private boolean heartbeat(Entry entry, Instant now) {
        List<AccessTokenSource> logins = logins(entry);
        for (AccessTokenSource tokens : logins) {
            try {
                write(entry, tokens);
                synchronized (this) {
                    entry.nextBeat = now.plus(properties.heartbeatInterval());
                }
                return true;
            }
            catch (DirectusException e) {
                if (isOutage(e)) {
                    pause(now, e);
                    return false;
                }
                if (!e.isTokenRefused()) {
                    // Not allowed (presence not provisioned in this Directus, say): try again next time.
                    if (refusedOnce.add(e.code())) {
                        log.warn("Directus refused a presence heartbeat ({} {}); is the presence collection provisioned?",
                                e.status(), e.code());
                    }
                    break;
                }
                // A refused token: this login is ending; another login of the same user may still work.
            }
        }
        synchronized (this) {
            entry.nextBeat = now.plus(properties.heartbeatInterval());
        }
        return true;
    }

    /** Creates the row, or refreshes it; either way round when the other one says it must. */
    private void write(Entry entry, AccessTokenSource tokens) {
        boolean created;
        synchronized (this) {
            created = entry.created;
        }
        if (created) {
            try {
                store.touch(tokens, entry.row);
            }
            catch (DirectusException e) {
                if (!e.isForbidden() || e.isTokenRefused()) {
                    throw e;
                }
                // Gone: deleted by a leave that raced with this tab, or expired and cleaned up.
                store.create(tokens, entry.row, entry.key.room());
            }
        }
        else {
            boolean cleaned;
            synchronized (this) {
                cleaned = entry.cleaned;
            }
            if (!cleaned) {
                try {
                    // Rows this user left behind on instances that stopped without leaving.
                    store.deleteStale(tokens, properties.expiry());
                }
                catch (DirectusException e) {
                    if (isOutage(e) || e.isTokenRefused()) {
                        throw e;
                    }
                    // Not allowed to delete: they only take room, they never show.
                }
                synchronized (this) {
                    entry.cleaned = true;
                }
            }
            try {
                store.create(tokens, entry.row, entry.key.room());
            }
            catch (DirectusException e) {
                if (!"RECORD_NOT_UNIQUE".equals(e.code())) {
                    throw e;
                }
                store.touch(tokens, entry.row);
            }
        }
        synchronized (this) {
            entry.created = true;
        }
        if (unreachable.compareAndSet(true, false)) {
            log.info("Directus is reachable again; presence is up to date");
        }
    }

    private void poll(Instant now) {
        Set<Long> rooms = new LinkedHashSet<>();
        List<AccessTokenSource> logins = new ArrayList<>();
        synchronized (this) {
            if (now.isBefore(nextPoll)) {
                return;
            }
            nextPoll = now.plus(properties.pollInterval());
            for (Entry entry : entries.values()) {
                rooms.add(entry.key.room());
                // Any user online here may read the list; a few candidates, in case a login just ended.
                if (logins.size() < 3) {
                    logins.addAll(logins(entry).stream().filter(t -> !logins.contains(t)).limit(3 - logins.size()).toList());
                }
            }
        }
        if (rooms.isEmpty()) {
            apply(List.of(), Set.of());
            return;
        }
        for (AccessTokenSource tokens : logins) {
            try {
                apply(store.live(tokens, rooms, properties.expiry()), rooms);
                if (unreachable.compareAndSet(true, false)) {
                    log.info("Directus is reachable again; presence is up to date");
                }
                return;
            }
            catch (DirectusException e) {
                if (isOutage(e)) {
                    pause(now, e);
                    return;
                }
                if (!e.isTokenRefused()) {
                    if (refusedOnce.add("read " + e.code())) {
                        log.warn("Directus refused reading presence ({} {}); is the presence collection provisioned?",
                                e.status(), e.code());
                    }
                    return;
                }
            }
        }
    }

    /** Replaces the other instances' rows with a poll's answer, and tells listeners which rooms changed. */
    private void apply(List<PresenceRow> rows, Set<Long> rooms) {
        Map<Long, Map<String, String>> found = new HashMap<>();
        String own = ":" + instance;
        for (PresenceRow row : rows) {
            if (row.room() == null || row.userId() == null || row.key() == null || row.key().endsWith(own)) {
                continue;
            }
            found.computeIfAbsent(row.room(), room -> new HashMap<>()).put(row.userId(), name(row));
        }
        Set<Long> touched = new HashSet<>(rooms);
        synchronized (this) {
            touched.addAll(remote.keySet());
            remote = found;
            polledRooms = Set.copyOf(rooms);
        }
        touched.forEach(this::publish);
    }

    private static String name(PresenceRow row) {
        String first = row.firstName() == null ? "" : row.firstName().trim();
        String last = row.lastName() == null ? "" : row.lastName().trim();
        String name = (first + " " + last).trim();
        return name.isEmpty() ? UNKNOWN_USER : name;
    }

    private synchronized List<AccessTokenSource> logins(Entry entry) {
        List<AccessTokenSource> logins = new ArrayList<>();
        for (Member member : entry.members) {
            if (!logins.contains(member.tokens)) {
                logins.add(member.tokens);
            }
        }
        if (logins.isEmpty() && entry.lastTokens != null) {
            logins.add(entry.lastTokens); // within the leave grace
        }
        return logins;
    }

    private static boolean isOutage(DirectusException e) {
        return e.isUnreachable() || e.status() >= 500;
    }

    private void pause(Instant now, DirectusException e) {
        Duration pause = properties.pollInterval().compareTo(properties.heartbeatInterval()) < 0
                ? properties.pollInterval() : properties.heartbeatInterval();
        synchronized (this) {
            pausedUntil = now.plus(pause);
        }
        if (unreachable.compareAndSet(false, true)) {
            log.warn("Directus is unreachable ({}); presence keeps the last known list and retries every {} s",
                    e.code(), pause.toSeconds());
        }
    }

    private record Key(String user, long room) {
    }

    /** A user in a room on this instance: their tabs here, and the state of this instance's row. */
    private static final class Entry {

        final Key key;
        final String row;
        final List<Member> members = new ArrayList<>();
        String name;
        Instant nextBeat;
        /** Whether our row exists, as far as we know. */
        boolean created;
        /** Whether a heartbeat was ever tried: only then may a row exist to delete. */
        boolean attempted;
        boolean cleaned;
        AccessTokenSource lastTokens;
        ScheduledFuture<?> removal;

        Entry(Key key, String row, Instant nextBeat) {
            this.key = key;
            this.row = row;
            this.nextBeat = nextBeat;
        }
    }

    private final class Member implements Handle {

        final Entry entry;
        final AccessTokenSource tokens;
        final AtomicBoolean left = new AtomicBoolean();

        Member(Entry entry, AccessTokenSource tokens) {
            this.entry = entry;
            this.tokens = tokens;
        }

        @Override
        public void leave() {
            Presence.this.leave(this);
        }
    }
}
