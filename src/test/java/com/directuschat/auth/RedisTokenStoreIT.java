package com.directuschat.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.directuschat.auth.TokenStore.StoredTokens;
import com.directuschat.directus.AuthTokens;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The Redis token store on the real Redis: pairs round-trip sealed, a value that does not open is no login, and a
 * login's lock excludes a second holder.
 */
class RedisTokenStoreIT {

    private final String namespace = "test-token-store-" + UUID.randomUUID();
    private LettuceConnectionFactory connections;
    private StringRedisTemplate redis;
    private RedisTokenStore store;

    @BeforeEach
    void connect() {
        connections = new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", 6379));
        connections.afterPropertiesSet();
        connections.start();
        redis = new StringRedisTemplate(connections);
        store = storeWith(randomKey());
    }

    @AfterEach
    void disconnect() {
        redis.delete(redis.keys(namespace + ":*"));
        connections.destroy();
    }

    @Test
    void aPairRoundTripsAndIsRemovedOnce() {
        StoredTokens pair =
                new StoredTokens(new AuthTokens("access.jwt-part", "refresh_token-1", instant(900)), instant(0));
        store.write("login-1", pair);
        assertThat(store.read("login-1")).isEqualTo(pair);
        assertThat(redis.getExpire(namespace + ":logins:login-1", TimeUnit.SECONDS))
                .isBetween(1L, 300L);
        assertThat(store.remove("login-1")).isEqualTo(pair);
        assertThat(store.remove("login-1")).isNull();
        assertThat(store.read("login-1")).isNull();
    }

    @Test
    void aSecondCallerWaitsForTheLockAndOnlyTheHolderReleasesIt() throws Exception {
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Void> first = CompletableFuture.runAsync(() -> store.locked("login-2", () -> {
            holding.countDown();
            await().atMost(Duration.ofSeconds(30)).until(() -> release.getCount() == 0);
            return null;
        }));
        assertThat(holding.await(30, TimeUnit.SECONDS)).isTrue();
        AtomicBoolean secondRan = new AtomicBoolean();
        CompletableFuture<Boolean> second = CompletableFuture.supplyAsync(() -> store.locked("login-2", () -> {
            secondRan.set(true);
            return true;
        }));
        // The second caller keeps waiting while the first holds the lock; another login is not held up.
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> !secondRan.get());
        assertThat(store.locked("login-3", () -> "free")).isEqualTo("free");
        assertThat(second).isNotDone();
        release.countDown();
        first.get(30, TimeUnit.SECONDS);
        assertThat(second.get(30, TimeUnit.SECONDS)).isTrue();
        assertThat(redis.hasKey(namespace + ":logins:login-2:lock")).isFalse();
    }

    @Test
    void pairsAreSealedAndOneAlteredMovedOrSealedWithAnotherKeyReadsAsEnded() {
        StoredTokens pair =
                new StoredTokens(new AuthTokens("access.jwt-part", "refresh_token-4", instant(900)), instant(0));
        store.write("login-4", pair);
        String sealed = redis.opsForValue().get(namespace + ":logins:login-4");
        assertThat(sealed).doesNotContain("access.jwt-part").doesNotContain("refresh_token-4");

        // Under another login's id: it does not pass for that login.
        redis.opsForValue().set(namespace + ":logins:login-5", sealed);
        assertThat(store.read("login-5")).isNull();
        // One bit changed.
        byte[] bytes = Base64.getDecoder().decode(sealed.substring(sealed.indexOf(':') + 1));
        bytes[bytes.length / 2] ^= 1;
        redis.opsForValue()
                .set(namespace + ":logins:login-6", "v1:" + Base64.getEncoder().encodeToString(bytes));
        assertThat(store.read("login-6")).isNull();
        // Not sealed at all: the plain form of earlier versions, and garbage.
        redis.opsForValue().set(namespace + ":logins:login-7", "1767225600000 1767224700000 access refresh");
        assertThat(store.read("login-7")).isNull();
        redis.opsForValue().set(namespace + ":logins:login-8", "v1:not base64!");
        assertThat(store.read("login-8")).isNull();
        assertThat(store.remove("login-8")).isNull();
        // Another instance with another key reads no login; this one's key still opens it.
        assertThat(storeWith(randomKey()).read("login-4")).isNull();
        assertThat(store.read("login-4")).isEqualTo(pair);
    }

    private RedisTokenStore storeWith(byte[] key) {
        return new RedisTokenStore(
                redis, namespace, Duration.ofMinutes(5), Duration.ofSeconds(20), new TokenCipher(key));
    }

    private static byte[] randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return key;
    }

    private static Instant instant(long seconds) {
        return Instant.parse("2026-01-01T00:00:00Z").plus(seconds, ChronoUnit.SECONDS);
    }
}
