package com.directuschat.presence;

import com.directuschat.presence.PresenceShare.Signal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the share up to date with this instance's users, and this instance with the others': the writes, removals,
 * signals and reads {@link Presence} asks for, done in rounds on the io lane, never on a request thread; and what the
 * other instances list, as of the last read. When the share fails, the other instances' users are dropped (this
 * instance's own stay), the round's writes are put back, and the next round waits a pause; an outage is logged once,
 * when it starts, and once when it ends. State guarded by the owning {@link Presence}'s lock.
 */
final class ShareSync {

    private static final Logger log = LoggerFactory.getLogger(ShareSync.class);

    private final Presence owner;
    private final PresenceShare share;
    private final PresenceProperties properties;
    /** Null without a share: then there is nothing to do. */
    private final PresenceLane lane;

    // Guarded by owner.
    /** room → user id → name, of the other instances' users. */
    private final Map<Long, Map<String, String>> remote = new HashMap<>();

    private final List<PresenceShare.Member> gone = new ArrayList<>();
    private final Set<Long> toRead = new LinkedHashSet<>();
    private final List<Signal> outbox = new ArrayList<>();
    private boolean pending;
    private Instant nextBeat = Instant.MIN;
    private Instant nextPoll = Instant.MIN;
    private Instant retryAt = Instant.MIN;
    private boolean down;

    ShareSync(Presence owner, PresenceShare share, PresenceProperties properties, Executor io) {
        this.owner = owner;
        this.share = share;
        this.properties = properties;
        this.lane = share.shared() ? new PresenceLane(io, owner::cycle) : null;
    }

    void subscribe() {
        share.subscribe(this::heard);
    }

    void close() {
        if (lane != null) {
            lane.close();
        }
        share.close();
    }

    void request() {
        if (lane != null) {
            lane.request();
        }
    }

    /** Asks for a round when there is work, or a heartbeat or a read is due, and no pause after a failure. */
    void requestIfDue(Instant now) {
        if (lane == null) {
            return;
        }
        boolean due;
        synchronized (owner) {
            boolean anyone = owner.entries().iterator().hasNext();
            due = !now.isBefore(retryAt)
                    && (pending || (anyone && (!now.isBefore(nextBeat) || !now.isBefore(nextPoll))));
        }
        if (due) {
            lane.request();
        }
    }

    /** Who the other instances list in the room. */
    Map<String, String> remote(long room) {
        return remote.getOrDefault(room, Map.of());
    }

    /** The entry is new or its name changed: (re)written at the next round; its room read if it was not. */
    void rewrite(PresenceEntry entry) {
        if (lane == null) {
            return;
        }
        if (entry.written != null) {
            gone.add(entry.written);
            entry.written = null;
        }
        if (!remote.containsKey(entry.key.room())) {
            toRead.add(entry.key.room());
        }
        pending = true;
    }

    /** The entry's user left this instance's room. */
    void removed(PresenceEntry entry, boolean roomStillWatched) {
        if (lane == null) {
            return;
        }
        if (entry.written != null) {
            gone.add(entry.written);
            entry.written = null;
        }
        if (!roomStillWatched) {
            remote.remove(entry.key.room());
        }
        pending = true;
    }

    /** A typing signal for the others. */
    void tell(Signal.Kind kind, PresenceEntry.Key key, String name) {
        if (lane == null) {
            return;
        }
        outbox.add(new Signal(kind, owner.instance(), key.room(), key.user(), name));
        pending = true;
        lane.request();
    }

    /** A signal from any instance (this one's come back too, and are dropped). */
    private void heard(Signal signal) {
        if (owner.instance().equals(signal.instance())) {
            return;
        }
        boolean read = false;
        Set<Long> typing = Set.of();
        synchronized (owner) {
            if (signal.kind() == Signal.Kind.CHANGED) {
                if (owner.isWatched(signal.room())) {
                    toRead.add(signal.room());
                    pending = true;
                    read = true;
                }
            } else if (signal.userId() != null && owner.heardTyping(signal)) {
                typing = Set.of(signal.room());
            }
        }
        if (read) {
            lane.request();
        }
        owner.changed(Set.of(), typing);
    }

    /** One round: removals, writes (new entries, or all of them when the heartbeat is due), signals, reads. */
    void cycle(Instant now) {
        ShareRound round;
        synchronized (owner) {
            if (lane == null || now.isBefore(retryAt)) {
                return;
            }
            round = take(now);
        }
        if (round.isEmpty()) {
            return;
        }
        List<PresenceShare.Shared> found;
        try {
            // Subscribed before anything is read: no change told meanwhile is missed.
            share.connect();
            if (!round.gone().isEmpty()) {
                share.remove(owner.instance(), round.gone());
            }
            if (!round.put().isEmpty()) {
                share.put(owner.instance(), round.put(), now.plus(properties.expiry()));
            }
            for (long room : round.announce()) {
                share.publish(new Signal(Signal.Kind.CHANGED, owner.instance(), room, null, null));
            }
            for (Signal signal : round.signals()) {
                share.publish(signal);
            }
            found = round.read().isEmpty() ? List.of() : share.read(round.read(), now);
        } catch (RuntimeException e) {
            failed(round, now, e);
            return;
        }
        succeeded(round, found);
    }

    private ShareRound take(Instant now) {
        pending = false;
        ShareRound round = new ShareRound(
                new ArrayList<>(gone),
                new ArrayList<>(),
                new LinkedHashSet<>(),
                new ArrayList<>(outbox),
                new HashSet<>());
        gone.clear();
        outbox.clear();
        boolean beat = !now.isBefore(nextBeat);
        boolean poll = !now.isBefore(nextPoll);
        boolean anyone = false;
        for (PresenceEntry entry : owner.entries()) {
            anyone = true;
            if (entry.written == null) {
                round.announce().add(entry.key.room());
            }
            if (beat || entry.written == null) {
                entry.written = entry.member();
                round.put().add(entry.written);
            }
            if (poll) {
                toRead.add(entry.key.room());
            }
        }
        if (anyone && beat) {
            nextBeat = now.plus(properties.heartbeatInterval());
        }
        if (anyone && poll) {
            nextPoll = now.plus(properties.pollInterval());
        }
        round.gone().forEach(member -> round.announce().add(member.room()));
        toRead.stream().filter(owner::isWatched).forEach(round.read()::add);
        toRead.clear();
        return round;
    }

    private void succeeded(ShareRound round, List<PresenceShare.Shared> found) {
        Map<Long, Map<String, String>> byRoom = new HashMap<>();
        for (PresenceShare.Shared shared : found) {
            if (!owner.instance().equals(shared.instance()) && shared.userId() != null) {
                String name = shared.name() == null || shared.name().isBlank() ? Presence.UNKNOWN_USER : shared.name();
                byRoom.computeIfAbsent(shared.room(), room -> new HashMap<>()).put(shared.userId(), name);
            }
        }
        Set<Long> touched = new HashSet<>();
        synchronized (owner) {
            if (down) {
                down = false;
                log.info("Redis is reachable again: the online lists and typing span every instance again");
            }
            for (long room : round.read()) {
                if (!owner.isWatched(room)) {
                    remote.remove(room);
                    continue;
                }
                Map<String, String> users = byRoom.getOrDefault(room, Map.of());
                Map<String, String> before = remote.put(room, users);
                if (!users.equals(before == null ? Map.of() : before)) {
                    touched.add(room);
                }
            }
        }
        owner.changed(touched, Set.of());
    }

    private void failed(ShareRound round, Instant now, RuntimeException e) {
        Duration pause = properties.pollInterval().compareTo(properties.heartbeatInterval()) < 0
                ? properties.pollInterval()
                : properties.heartbeatInterval();
        Set<Long> touched = new HashSet<>();
        synchronized (owner) {
            // Put back: the removals are retried, every entry is written and every room read at the next round.
            gone.addAll(0, round.gone());
            for (PresenceEntry entry : owner.entries()) {
                entry.written = null;
            }
            nextPoll = Instant.MIN;
            retryAt = now.plus(pause);
            pending = true;
            remote.forEach((room, users) -> {
                if (!users.isEmpty()) {
                    touched.add(room);
                }
            });
            remote.clear();
            if (!down) {
                down = true;
                log.warn(
                        "Redis is unreachable ({}): the online lists show this instance's users only and typing"
                                + " stays on this instance; retrying every {} s",
                        e.toString(),
                        Math.max(1, pause.toSeconds()));
            }
        }
        owner.changed(touched, Set.of());
    }
}
