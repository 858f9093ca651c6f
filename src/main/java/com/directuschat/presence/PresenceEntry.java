package com.directuschat.presence;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A user in a room on this instance: their tabs here, and what the share holds for them. Guarded by the owning
 * {@link Presence}.
 */
final class PresenceEntry {

    record Key(String user, long room) {}

    final Key key;
    final List<Member> members = new ArrayList<>();
    String name;
    /** What the share holds for this entry (as of the last write), or null when it has yet to be written. */
    PresenceShare.Member written;

    ScheduledFuture<?> removal;

    PresenceEntry(Key key) {
        this.key = key;
    }

    PresenceShare.Member member() {
        return new PresenceShare.Member(key.room(), key.user(), name);
    }

    /** One tab's presence; leaving twice is leaving once. */
    static final class Member implements Presence.Handle {

        final Presence owner;
        final PresenceEntry entry;
        final AtomicBoolean left = new AtomicBoolean();

        Member(Presence owner, PresenceEntry entry) {
            this.owner = owner;
            this.entry = entry;
        }

        @Override
        public void leave() {
            owner.leave(this);
        }
    }
}
