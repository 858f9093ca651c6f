package com.directuschat.presence;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.function.LongConsumer;
import org.springframework.scheduling.TaskScheduler;

/**
 * Who is online, and who is typing, per room, across every instance of the chat server, kept in the chat servers
 * themselves: Directus is never asked. Each instance knows its own users (a tab's stream enters them); with Redis
 * ({@link RedisPresenceShare}) it also writes them there with an expiry, refreshed every {@code heartbeatInterval},
 * and tells the other instances of every change at once over pub/sub, so they read the room's list again. An
 * instance that stops without leaving is dropped when its entries expire, which the others see at their next read
 * (every {@code pollInterval}). Typing is not stored: its signals go over pub/sub and end {@code typingExpiry} after
 * the last one, or at once when the typist's message is sent.
 * <p>
 * A user counts once per room however many tabs, logins and instances they have open. Each instance owns its
 * entries: leaving here removes this instance's only, so a tab of the same user on another instance keeps them
 * listed.
 * <p>
 * Failures never reach the caller: with Redis unreachable, the lists show this instance's users only, typing stays
 * within this instance, and the work is retried after a pause ({@link ShareSync}, which also logs it once).
 */
public final class Presence {

    /** One tab's presence in a room; {@link #leave()} may be called any number of times. */
    public interface Handle {

        void leave();
    }

    /** Someone typing in a room. */
    public record Typist(String userId, String name) {}

    /** Changes to a room's list within this many ms go out as one list. */
    static final long PUBLISH_DELAY_MS = 200;
    /** The same for the typing line: short, since typing is quick to come and go. */
    static final long TYPING_DELAY_MS = 50;

    static final String UNKNOWN_USER = "Unknown user";

    private static final Comparator<String> BY_NAME =
            String.CASE_INSENSITIVE_ORDER.thenComparing(Comparator.naturalOrder());

    private final PresenceProperties properties;
    private final TaskScheduler scheduler;
    private final Clock clock;
    private final String instance;
    private final ShareSync sync;
    private final RoomChanges changes;
    private final RoomChanges typingChanges;
    private ScheduledFuture<?> ticker;

    // Guarded by this.
    private final Map<PresenceEntry.Key, PresenceEntry> entries = new HashMap<>();
    private final Typists typists;

    /**
     * @param scheduler runs the ticks and the leave grace; null in unit tests, which run {@link #tick()} and
     *        {@link #cycle()} by hand
     * @param io runs the calls to the share, one at a time (at most one of its threads is used)
     */
    Presence(PresenceShare share, PresenceProperties properties, TaskScheduler scheduler, Executor io, Clock clock) {
        this.properties = properties;
        this.scheduler = scheduler;
        this.clock = clock;
        this.instance = Long.toString(new SecureRandom().nextLong() & Long.MAX_VALUE, 36);
        this.typists = new Typists(properties.typingExpiry());
        this.sync = new ShareSync(this, share, properties, io);
        this.changes = new RoomChanges(this::online, scheduler, Duration.ofMillis(PUBLISH_DELAY_MS), clock);
        this.typingChanges = new RoomChanges(
                room -> typing(room).stream()
                        .map(t -> t.userId() + "\n" + t.name())
                        .toList(),
                scheduler,
                Duration.ofMillis(TYPING_DELAY_MS),
                clock);
    }

    /** Starts hearing the other instances, and the ticks that send heartbeats and expire typing. */
    synchronized void start() {
        sync.subscribe();
        if (scheduler != null && ticker == null) {
            ticker = scheduler.scheduleWithFixedDelay(this::tick, properties.tick());
        }
    }

    /** Stops. This instance's entries are left to expire: its tabs reconnect to another instance anyway. */
    public void close() {
        sync.close();
        synchronized (this) {
            if (ticker != null) {
                ticker.cancel(false);
            }
        }
    }

    /**
     * The user, with a tab open in the room, counts as online until the handle leaves (and {@code leaveGrace} has
     * passed without another tab of theirs in the room). Calls no one but the change listeners: the other instances
     * are told in the background.
     */
    public Handle enter(String userId, String displayName, long roomId) {
        Objects.requireNonNull(userId, "userId");
        PresenceEntry.Member member;
        synchronized (this) {
            PresenceEntry.Key key = new PresenceEntry.Key(userId, roomId);
            PresenceEntry entry = entries.computeIfAbsent(key, PresenceEntry::new);
            if (entry.removal != null) {
                entry.removal.cancel(false);
                entry.removal = null;
            }
            String name = displayName == null || displayName.isBlank() ? UNKNOWN_USER : displayName;
            if (!name.equals(entry.name)) {
                entry.name = name;
                sync.rewrite(entry);
            }
            member = new PresenceEntry.Member(this, entry);
            entry.members.add(member);
        }
        changes.changed(roomId);
        sync.request();
        return member;
    }

    /** The names of who is online in the room, sorted, each user once. */
    public synchronized List<String> online(long roomId) {
        Map<String, String> users = new HashMap<>(sync.remote(roomId));
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
     * Called with a room's id whenever its list changes (a user here entered or left, or another instance's did),
     * {@value #PUBLISH_DELAY_MS} ms after the first of a burst of changes, on the scheduler's thread; read the list
     * with {@link #online(long)}.
     */
    public void onChange(LongConsumer listener) {
        changes.listen(listener);
    }

    /** The user is typing in the room: a signal from their browser. Ignored right after they sent a message. */
    public void typing(String userId, String displayName, long roomId) {
        Objects.requireNonNull(userId, "userId");
        String name = displayName == null || displayName.isBlank() ? UNKNOWN_USER : displayName;
        PresenceEntry.Key key = new PresenceEntry.Key(userId, roomId);
        boolean changed;
        synchronized (this) {
            Instant now = clock.instant();
            if (typists.quiet(key, now)) {
                return;
            }
            changed = typists.typing(key, name, now);
            if (typists.share(key, now)) {
                sync.tell(PresenceShare.Signal.Kind.TYPING, key, name);
            }
        }
        if (changed) {
            typingChanges.changed(roomId);
        }
    }

    /** The user sent a message in the room: they no longer type, here and on the other instances. */
    public void stoppedTyping(String userId, long roomId) {
        PresenceEntry.Key key = new PresenceEntry.Key(Objects.requireNonNull(userId, "userId"), roomId);
        boolean changed;
        synchronized (this) {
            changed = typists.stopped(key, clock.instant());
            sync.tell(PresenceShare.Signal.Kind.STOPPED, key, null);
        }
        if (changed) {
            typingChanges.changed(roomId);
        }
    }

    /** Who is typing in the room (on any instance), sorted by name. */
    public synchronized List<Typist> typing(long roomId) {
        return typists.in(roomId);
    }

    /** Called with a room's id whenever who is typing in it changes; read them with {@link #typing(long)}. */
    public void onTyping(LongConsumer listener) {
        typingChanges.listen(listener);
    }

    /** This instance's id, as the share knows it. */
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
            sync.removed(entry, isWatched(entry.key.room()));
        }
        changes.changed(entry.key.room());
        sync.request();
    }

    /** Expires typists, and has the share brought up to date when something is due. */
    void tick() {
        Set<Long> expired;
        synchronized (this) {
            expired = typists.isEmpty() ? Set.of() : typists.expire(clock.instant());
        }
        expired.forEach(typingChanges::changed);
        sync.requestIfDue(clock.instant());
    }

    /** One round with the share (see {@link ShareSync#cycle}); on the io lane. */
    void cycle() {
        sync.cycle(clock.instant());
    }

    // ---- For ShareSync, which holds this object's lock when it calls these.

    /** Whether a user of this instance is in the room: only then is its list worth reading. */
    boolean isWatched(long room) {
        for (PresenceEntry.Key key : entries.keySet()) {
            if (key.room() == room) {
                return true;
            }
        }
        return false;
    }

    Iterable<PresenceEntry> entries() {
        return entries.values();
    }

    /** Another instance's typing signal. */
    boolean heardTyping(PresenceShare.Signal signal) {
        PresenceEntry.Key key = new PresenceEntry.Key(signal.userId(), signal.room());
        Instant now = clock.instant();
        return signal.kind() == PresenceShare.Signal.Kind.TYPING
                ? typists.typing(key, signal.name() == null ? UNKNOWN_USER : signal.name(), now)
                : typists.stopped(key, now);
    }

    /** Tells the listeners, without holding this object's lock. */
    void changed(Set<Long> rooms, Set<Long> typingRooms) {
        rooms.forEach(changes::changed);
        typingRooms.forEach(typingChanges::changed);
    }
}
