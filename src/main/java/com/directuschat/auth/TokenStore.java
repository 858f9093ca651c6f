package com.directuschat.auth;

import com.directuschat.directus.AuthTokens;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * Where a login's current Directus token pair lives, by login id, so that every instance can act for the login:
 * in memory for one instance, in Redis for several. Refreshes and revocation run under {@link #locked}, which
 * excludes every other instance, because Directus kills a refresh token the moment it is used.
 */
interface TokenStore {

    /** The login's pair, or null when the login has ended. */
    StoredTokens read(String loginId);

    void write(String loginId, StoredTokens tokens);

    /** Removes the pair and returns what it was, or null when it was gone already. */
    StoredTokens remove(String loginId);

    /** Runs {@code action} while no other caller, here or on another instance, holds this login's lock. */
    <T> T locked(String loginId, Supplier<T> action);

    /** A token pair and when it was obtained (a quarter of its life is the most we refresh early). */
    record StoredTokens(AuthTokens tokens, Instant obtainedAt) {}
}
