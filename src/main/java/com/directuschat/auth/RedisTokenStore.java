package com.directuschat.auth;

import com.directuschat.directus.AuthTokens;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * Token pairs in Redis under {@code <namespace>:logins:<login id>}, one string per login (written whole, so it is
 * never half-updated), sealed by {@link TokenCipher}: a value that does not open (altered, another key) reads as no
 * pair, i.e. the login has ended. The refresh lock is {@code SET NX PX} with a random value, released by a script only by its
 * holder; a lock whose holder died lapses after its timeout.
 */
final class RedisTokenStore implements TokenStore {

    private static final RedisScript<Long> RELEASE = RedisScript.of(
            "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end",
            Long.class);
    private static final Logger log = LoggerFactory.getLogger(RedisTokenStore.class);
    private static final long POLL_NANOS = Duration.ofMillis(20).toNanos();

    private final StringRedisTemplate redis;
    private final String prefix;
    private final Duration ttl;
    private final Duration lockTimeout;
    private final TokenCipher cipher;

    RedisTokenStore(
            StringRedisTemplate redis, String namespace, Duration ttl, Duration lockTimeout, TokenCipher cipher) {
        this.redis = redis;
        this.cipher = cipher;
        this.prefix = namespace + ":logins:";
        this.ttl = ttl;
        this.lockTimeout = lockTimeout;
    }

    @Override
    public StoredTokens read(String loginId) {
        return call(() -> decode(loginId, redis.opsForValue().get(prefix + loginId)));
    }

    @Override
    public void write(String loginId, StoredTokens tokens) {
        call(() -> {
            redis.opsForValue().set(prefix + loginId, encode(loginId, tokens), ttl);
            return null;
        });
    }

    @Override
    public StoredTokens remove(String loginId) {
        return call(() -> decode(loginId, redis.opsForValue().getAndDelete(prefix + loginId)));
    }

    @Override
    public <T> T locked(String loginId, Supplier<T> action) {
        String lock = prefix + loginId + ":lock";
        String holder = UUID.randomUUID().toString();
        long deadline = System.nanoTime() + 2 * lockTimeout.toNanos();
        try {
            while (!Boolean.TRUE.equals(redis.opsForValue().setIfAbsent(lock, holder, lockTimeout))) {
                // Another instance is refreshing this login; its lock lapses after lockTimeout at worst.
                if (System.nanoTime() > deadline) {
                    throw new SessionStoreDown(new IllegalStateException("Refresh lock of a login stays taken"));
                }
                LockSupport.parkNanos(POLL_NANOS);
            }
        } catch (DataAccessException e) {
            throw new SessionStoreDown(e);
        }
        try {
            return action.get();
        } finally {
            try {
                redis.execute(RELEASE, List.of(lock), holder);
            } catch (DataAccessException e) {
                // Lapses by itself after lockTimeout.
            }
        }
    }

    /** A Redis command; Redis unreachable is {@link SessionStoreDown}, a 503 for requests and a retry for sockets. */
    private static <T> T call(Supplier<T> command) {
        try {
            return command.get();
        } catch (DataAccessException e) {
            throw new SessionStoreDown(e);
        }
    }

    private String encode(String loginId, StoredTokens stored) {
        AuthTokens tokens = stored.tokens();
        return cipher.seal(
                loginId,
                tokens.expiresAt().toEpochMilli() + " " + stored.obtainedAt().toEpochMilli() + " "
                        + tokens.accessToken() + " " + tokens.refreshToken());
    }

    private StoredTokens decode(String loginId, String value) {
        if (value == null) {
            return null;
        }
        String plain = cipher.open(loginId, value);
        String[] parts = plain == null ? new String[0] : plain.split(" ", 4);
        if (parts.length != 4) {
            log.warn(
                    "The stored tokens of a login do not open (altered, or another {}); it counts as ended",
                    TokenCipher.PROPERTY);
            return null;
        }
        try {
            return new StoredTokens(
                    new AuthTokens(parts[2], parts[3], Instant.ofEpochMilli(Long.parseLong(parts[0]))),
                    Instant.ofEpochMilli(Long.parseLong(parts[1])));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
