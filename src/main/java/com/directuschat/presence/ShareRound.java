package com.directuschat.presence;

import com.directuschat.presence.PresenceShare.Signal;
import java.util.List;
import java.util.Set;

/**
 * One round of {@link ShareSync}'s work with the share: removals, writes, the rooms to tell the others of a change
 * in, signals, and the rooms to read, in that order.
 */
record ShareRound(
        List<PresenceShare.Member> gone,
        List<PresenceShare.Member> put,
        Set<Long> announce,
        List<Signal> signals,
        Set<Long> read) {

    boolean isEmpty() {
        return gone.isEmpty() && put.isEmpty() && signals.isEmpty() && read.isEmpty();
    }
}
