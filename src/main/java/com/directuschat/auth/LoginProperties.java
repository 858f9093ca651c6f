package com.directuschat.auth;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Logins and their Directus tokens.
 *
 * @param tokenTtl how long a login's stored token pair outlives its last refresh; as Directus's
 *        {@code REFRESH_TOKEN_TTL} (7 days by default), after which the pair is dead anyway
 * @param refreshLockTimeout how long one instance may hold a login's refresh lock; more than a refresh takes
 *        ({@code directus.request-timeout}), since a lock that lapses mid-refresh lets a second refresh through
 * @param refreshWait how long a request or socket waits for its login's token refresh; past it, it gets a 503 "try
 *        again shortly" and the refresh goes on for the next caller
 * @param tokenKey the key (base64, 256 bits) that seals the token pairs stored in Redis; the same on every instance
 *        sharing the Redis. Required with Redis, except on a run from the source tree, which makes one up
 */
@ConfigurationProperties("chat.login")
public record LoginProperties(
        @DefaultValue("7d") Duration tokenTtl,
        @DefaultValue("25s") Duration refreshLockTimeout,
        @DefaultValue("10s") Duration refreshWait,
        String tokenKey) {}
