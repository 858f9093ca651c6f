package com.directuschat.presence;

import com.directuschat.directus.AccessTokenSource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A user in a room on this instance: their tabs here, and the state of this instance's row. Fields without
 * {@code volatile} are guarded by the owning {@link Presence}; the volatile ones belong to its one io lane.
 */
final class PresenceEntry {

    record Key(String user, long room) {}

    final Key key;
    final String row;
    final List<Member> members = new ArrayList<>();
    String name;
    /** Whether a heartbeat was ever tried: only then may a row exist to delete. */
    boolean attempted;

    AccessTokenSource lastTokens;
    ScheduledFuture<?> removal;
    volatile Instant nextBeat;
    /** Whether our row exists, as far as we know. */
    volatile boolean created;
    /** Whether rows this user left behind on stopped instances were cleaned up. */
    volatile boolean cleaned;

    PresenceEntry(Key key, String row, Instant nextBeat) {
        this.key = key;
        this.row = row;
        this.nextBeat = nextBeat;
    }

    /** The logins of its tabs, each once; the last one's during the leave grace. */
    List<AccessTokenSource> logins() {
        List<AccessTokenSource> logins = new ArrayList<>();
        for (Member member : members) {
            if (!logins.contains(member.tokens)) {
                logins.add(member.tokens);
            }
        }
        if (logins.isEmpty() && lastTokens != null) {
            logins.add(lastTokens);
        }
        return logins;
    }

    /** One tab's presence; leaving twice is leaving once. */
    static final class Member implements Presence.Handle {

        final Presence owner;
        final PresenceEntry entry;
        final AccessTokenSource tokens;
        final AtomicBoolean left = new AtomicBoolean();

        Member(Presence owner, PresenceEntry entry, AccessTokenSource tokens) {
            this.owner = owner;
            this.entry = entry;
            this.tokens = tokens;
        }

        @Override
        public void leave() {
            owner.leave(this);
        }
    }
}
