package com.directuschat.presence;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;

/**
 * What the instances of the chat share about who is online and who is typing: Redis ({@link RedisPresenceShare}),
 * or nothing at all for a single instance ({@link #NONE}). Every call may throw when the shared store is
 * unreachable; {@link Presence} calls them off the request threads, one at a time.
 */
interface PresenceShare {

    /** A user with a tab open in a room, on this instance. */
    record Member(long room, String userId, String name) {}

    /** A user with a tab open in a room, on {@code instance}. */
    record Shared(String instance, long room, String userId, String name) {}

    /** What one instance tells the others at once; {@code userId} and {@code name} are null for {@code CHANGED}. */
    record Signal(Kind kind, String instance, long room, String userId, String name) {

        enum Kind {
            /** The room's online list changed: read it again. */
            CHANGED,
            /** The user is typing in the room (again). */
            TYPING,
            /** The user sent their message, or otherwise stopped typing. */
            STOPPED
        }
    }

    /** Single instance: nothing is shared, and nobody else is online. */
    PresenceShare NONE = new PresenceShare() {

        @Override
        public boolean shared() {
            return false;
        }

        @Override
        public void put(String instance, Collection<Member> members, Instant expires) {}

        @Override
        public void remove(String instance, Collection<Member> members) {}

        @Override
        public List<Shared> read(Collection<Long> rooms, Instant now) {
            return List.of();
        }

        @Override
        public void publish(Signal signal) {}

        @Override
        public void subscribe(Consumer<Signal> listener) {}

        @Override
        public void connect() {}

        @Override
        public void close() {}
    };

    /** Whether there are other instances to share with at all. */
    boolean shared();

    /** The members count as online on {@code instance} until {@code expires} (or until removed). */
    void put(String instance, Collection<Member> members, Instant expires);

    void remove(String instance, Collection<Member> members);

    /** Who is online in these rooms, on every instance (this one included), as of {@code now}. */
    List<Shared> read(Collection<Long> rooms, Instant now);

    /** Tells every instance, this one included. */
    void publish(Signal signal);

    /** Where the signals go, once {@link #connect()} has subscribed. */
    void subscribe(Consumer<Signal> listener);

    /** Subscribes if not yet done (throws when that fails); once subscribed, resubscribes by itself after an outage. */
    void connect();

    void close();
}
