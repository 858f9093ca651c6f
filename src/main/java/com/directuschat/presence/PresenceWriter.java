package com.directuschat.presence;

import com.directuschat.directus.AccessTokenSource;
import com.directuschat.directus.DirectusException;
import com.directuschat.directus.PresenceRow;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This instance's writes of presence rows to Directus, and what an outage means for them: each call reports
 * whether Directus was reachable, so the cycle stops at the first sign it is not and pauses. Runs on the io lane.
 */
final class PresenceWriter {

    private static final Logger log = LoggerFactory.getLogger(PresenceWriter.class);

    private final PresenceStore store;
    private final PresenceProperties properties;
    private final AtomicBoolean unreachable = new AtomicBoolean();
    private final Set<String> refusedOnce = ConcurrentHashMap.newKeySet();
    private volatile Instant pausedUntil = Instant.MIN;

    PresenceWriter(PresenceStore store, PresenceProperties properties) {
        this.store = store;
        this.properties = properties;
    }

    boolean paused(Instant now) {
        return now.isBefore(pausedUntil);
    }

    /** Deletes rows with their users' tokens; false when Directus is unreachable. */
    boolean delete(Map<String, AccessTokenSource> rows, Instant now) {
        for (Map.Entry<String, AccessTokenSource> row : rows.entrySet()) {
            try {
                store.delete(row.getValue(), row.getKey());
            } catch (DirectusException e) {
                if (isOutage(e)) {
                    pause(now, e);
                    return false;
                }
                // Gone already, or the login ended: the row expires by itself.
            }
        }
        return true;
    }

    /** Writes the entry's row with the first of its logins that works; false when Directus is unreachable. */
    boolean heartbeat(PresenceEntry entry, List<AccessTokenSource> logins, Instant now) {
        for (AccessTokenSource tokens : logins) {
            try {
                write(entry, tokens);
                break;
            } catch (DirectusException e) {
                if (isOutage(e)) {
                    pause(now, e);
                    return false;
                }
                if (!e.isTokenRefused()) {
                    // Not allowed (presence not provisioned in this Directus, say): try again next time.
                    warnRefused(e.code(), "a presence heartbeat", e);
                    break;
                }
                // A refused token: this login is ending; another login of the same user may still work.
            }
        }
        entry.nextBeat = now.plus(properties.heartbeatInterval());
        return true;
    }

    /** Reads the live rows of the rooms with the first login that works; null when there is no answer. */
    List<PresenceRow> live(List<AccessTokenSource> logins, Set<Long> rooms, Instant now) {
        for (AccessTokenSource tokens : logins) {
            try {
                List<PresenceRow> rows = store.live(tokens, rooms, properties.expiry());
                reachable();
                return rows;
            } catch (DirectusException e) {
                if (isOutage(e)) {
                    pause(now, e);
                    return null;
                }
                if (!e.isTokenRefused()) {
                    warnRefused("read " + e.code(), "reading presence", e);
                    return null;
                }
            }
        }
        return null;
    }

    /** Creates the row, or refreshes it; either way round when the other one says it must. */
    private void write(PresenceEntry entry, AccessTokenSource tokens) {
        if (entry.created) {
            try {
                store.touch(tokens, entry.row);
            } catch (DirectusException e) {
                if (!e.isForbidden() || e.isTokenRefused()) {
                    throw e;
                }
                // Gone: deleted by a leave that raced with this tab, or expired and cleaned up.
                store.create(tokens, entry.row, entry.key.room());
            }
        } else {
            if (!entry.cleaned) {
                try {
                    // Rows this user left behind on instances that stopped without leaving.
                    store.deleteStale(tokens, properties.expiry());
                } catch (DirectusException e) {
                    if (isOutage(e) || e.isTokenRefused()) {
                        throw e;
                    }
                    // Not allowed to delete: they only take room, they never show.
                }
                entry.cleaned = true;
            }
            try {
                store.create(tokens, entry.row, entry.key.room());
            } catch (DirectusException e) {
                if (!"RECORD_NOT_UNIQUE".equals(e.code())) {
                    throw e;
                }
                store.touch(tokens, entry.row);
            }
        }
        entry.created = true;
        reachable();
    }

    private void reachable() {
        if (unreachable.compareAndSet(true, false)) {
            log.info("Directus is reachable again; presence is up to date");
        }
    }

    private void warnRefused(String key, String what, DirectusException e) {
        if (refusedOnce.add(key)) {
            log.warn(
                    "Directus refused {} ({} {}); is the presence collection provisioned?", what, e.status(), e.code());
        }
    }

    private static boolean isOutage(DirectusException e) {
        return e.isUnreachable() || e.status() >= 500;
    }

    private void pause(Instant now, DirectusException e) {
        Duration pause = properties.pollInterval().compareTo(properties.heartbeatInterval()) < 0
                ? properties.pollInterval()
                : properties.heartbeatInterval();
        pausedUntil = now.plus(pause);
        if (unreachable.compareAndSet(false, true)) {
            log.warn(
                    "Directus is unreachable ({}); presence keeps the last known list and retries every {} s",
                    e.code(),
                    pause.toSeconds());
        }
    }
}
