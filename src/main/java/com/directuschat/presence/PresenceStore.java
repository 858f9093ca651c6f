package com.directuschat.presence;

import com.directuschat.directus.AccessTokenSource;
import com.directuschat.directus.DirectusPresence;
import com.directuschat.directus.PresenceRow;
import java.time.Duration;
import java.util.Collection;
import java.util.List;

/** The presence rows in Directus, always as the user whose row it is (or, to read, as any user online here). */
interface PresenceStore {

    /** Refused with {@code RECORD_NOT_UNIQUE} when the row exists. */
    void create(AccessTokenSource tokens, String key, long room);

    /** Refused as FORBIDDEN when the row does not exist. */
    void touch(AccessTokenSource tokens, String key);

    /** Refused as FORBIDDEN when the row does not exist. */
    void delete(AccessTokenSource tokens, String key);

    /** Deletes the user's own rows older than {@code age}. */
    void deleteStale(AccessTokenSource tokens, Duration age);

    /** Rows of these rooms refreshed within {@code age}. */
    List<PresenceRow> live(AccessTokenSource tokens, Collection<Long> rooms, Duration age);

    static PresenceStore of(DirectusPresence directus) {
        return new PresenceStore() {

            @Override
            public void create(AccessTokenSource tokens, String key, long room) {
                directus.createPresence(tokens, key, room);
            }

            @Override
            public void touch(AccessTokenSource tokens, String key) {
                directus.touchPresence(tokens, key);
            }

            @Override
            public void delete(AccessTokenSource tokens, String key) {
                directus.deletePresence(tokens, key);
            }

            @Override
            public void deleteStale(AccessTokenSource tokens, Duration age) {
                directus.deleteStalePresence(tokens, age);
            }

            @Override
            public List<PresenceRow> live(AccessTokenSource tokens, Collection<Long> rooms, Duration age) {
                return directus.presence(tokens, rooms, age);
            }
        };
    }
}
