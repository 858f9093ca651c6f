package com.directuschat.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.directuschat.auth.TokenStore.StoredTokens;
import com.directuschat.directus.AuthTokens;
import com.directuschat.directus.DirectusClient;
import com.directuschat.directus.DirectusException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two instances' holders of one login on one store, against a Directus that rotates refresh tokens. */
class TokenHolderTest {

    /**
     * Like Directus in JSON mode: only the newest refresh token works, and the access token has no session in it,
     * so within one second a refresh returns the same access token again.
     */
    static final class RotatingDirectus extends DirectusClient {
        final List<String> used = new CopyOnWriteArrayList<>();
        final List<String> loggedOut = new CopyOnWriteArrayList<>();
        final AtomicInteger refreshCalls = new AtomicInteger();
        /** Directus answers a refresh once this is open. */
        volatile CountDownLatch answer = new CountDownLatch(0);

        String valid = "refresh-0";

        RotatingDirectus() {
            super(null);
        }

        @Override
        public synchronized AuthTokens refresh(String refreshToken) {
            refreshCalls.incrementAndGet();
            ShakyStore.awaitOpen(answer);
            if (!refreshToken.equals(valid)) {
                throw new DirectusException(401, "INVALID_CREDENTIALS", "Invalid user credentials.");
            }
            used.add(refreshToken);
            valid = "refresh-" + used.size();
            return new AuthTokens("same-second-access", valid, Instant.now().plus(Duration.ofMinutes(15)));
        }

        @Override
        public void logout(String refreshToken) {
            loggedOut.add(refreshToken);
        }
    }

    /** The shared store, whose writes can fail (Redis away) and whose login lock another instance can hold. */
    static final class ShakyStore implements TokenStore {
        final MemoryTokenStore pairs = new MemoryTokenStore();
        final AtomicInteger lockCalls = new AtomicInteger();
        volatile boolean writesFail;
        volatile CountDownLatch lockFree = new CountDownLatch(0);

        @Override
        public StoredTokens read(String loginId) {
            return pairs.read(loginId);
        }

        @Override
        public void write(String loginId, StoredTokens tokens) {
            if (writesFail) {
                throw new SessionStoreDown(new IllegalStateException("Redis went away"));
            }
            pairs.write(loginId, tokens);
        }

        @Override
        public StoredTokens remove(String loginId) {
            return pairs.remove(loginId);
        }

        @Override
        public <T> T locked(String loginId, Supplier<T> action) {
            lockCalls.incrementAndGet();
            awaitOpen(lockFree);
            return pairs.locked(loginId, action);
        }

        static void awaitOpen(CountDownLatch latch) {
            try {
                if (!latch.await(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("The test never opened the latch");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        String storedRefreshToken() {
            return pairs.read("login-1").tokens().refreshToken();
        }
    }

    private final RotatingDirectus directus = new RotatingDirectus();
    private final ShakyStore store = new ShakyStore();
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final StoredTokens login = new StoredTokens(
            new AuthTokens("same-second-access", "refresh-0", Instant.now().plus(Duration.ofMinutes(15))),
            Instant.now());

    @AfterEach
    void stopThreads() {
        store.lockFree.countDown();
        threads.shutdownNow();
    }

    private TokenHolder holder() {
        return holder(Duration.ofSeconds(30), Duration.ofMillis(50));
    }

    private TokenHolder holder(Duration refreshWait, Duration saveRetry) {
        return new TokenHolder(
                "login-1",
                login,
                new RefreshContext(
                        directus,
                        store,
                        Duration.ofSeconds(30),
                        refreshWait,
                        saveRetry,
                        threads,
                        new AtomicLong(),
                        () -> {}));
    }

    @Test
    void aPairStoredByTheOtherInstanceIsTakenEvenWithTheSameAccessToken() {
        store.write("login-1", login);
        TokenHolder onA = holder();
        TokenHolder onB = holder();
        onA.expireCopy();
        onB.expireCopy();

        assertThat(onA.accessToken()).isEqualTo("same-second-access");
        assertThat(onB.accessToken()).isEqualTo("same-second-access");

        assertThat(directus.used).containsExactly("refresh-0");
        assertThat(onB.refreshToken()).isEqualTo("refresh-1");
        assertThat(onA.isRevoked()).isFalse();
        assertThat(onB.isRevoked()).isFalse();
    }

    @Test
    void aRejectedAccessTokenIsRefreshedOnceAcrossInstances() {
        store.write("login-1", login);
        TokenHolder onA = holder();
        TokenHolder onB = holder();

        onA.refreshAfterRejection("same-second-access");
        onB.refreshAfterRejection("same-second-access");

        assertThat(directus.used).containsExactly("refresh-0");
        assertThat(store.storedRefreshToken()).isEqualTo("refresh-1");
    }

    @Test
    void aRefreshedPairTheStoreDidNotTakeIsUsedAndStoredLater() {
        store.write("login-1", login);
        TokenHolder onA = holder();
        TokenHolder onB = holder();
        onA.expireCopy();
        store.writesFail = true;

        // Directus rotated the pair, Redis refused it: A goes on with the new pair, and nobody is logged out.
        assertThat(onA.accessToken()).isEqualTo("same-second-access");
        assertThat(directus.used).containsExactly("refresh-0");
        assertThat(onA.isRevoked()).isFalse();
        assertThat(store.storedRefreshToken()).isEqualTo("refresh-0");

        store.writesFail = false;
        await().atMost(Duration.ofSeconds(10))
                .until(() -> store.storedRefreshToken().equals("refresh-1"));
        // B, whose copy is due too, takes the pair A stored, and does not spend the dead refresh token.
        onB.expireCopy();
        assertThat(onB.accessToken()).isEqualTo("same-second-access");
        assertThat(directus.used).containsExactly("refresh-0");
        assertThat(onB.isRevoked()).isFalse();
    }

    /** A holder whose refresh Directus made (refresh-1) and the store refused; no retry comes within a test. */
    private TokenHolder holderWithUnsavedPair() {
        store.write("login-1", login);
        TokenHolder holder = holder(Duration.ofSeconds(30), Duration.ofHours(1));
        holder.expireCopy();
        store.writesFail = true;
        holder.accessToken();
        return holder;
    }

    @Test
    void theNextRefreshStoresTheUnsavedPairFirstAndRefreshesWithIt() {
        TokenHolder holder = holderWithUnsavedPair();
        store.writesFail = false;

        holder.expireCopy();
        holder.accessToken();

        assertThat(directus.used).containsExactly("refresh-0", "refresh-1");
        assertThat(store.storedRefreshToken()).isEqualTo("refresh-2");
        assertThat(holder.isRevoked()).isFalse();
    }

    @Test
    void revokingLogsOutTheUnsavedPairToo() {
        TokenHolder holder = holderWithUnsavedPair();

        holder.revoke();

        assertThat(directus.loggedOut).contains("refresh-1");
        assertThat(store.read("login-1")).isNull();
        assertThatThrownBy(holder::accessToken).isInstanceOf(DirectusException.class);
    }

    @Test
    void aPairRefreshedWhileTheLoginWasRevokedAndTheStoreWasAwayIsLoggedOutToo() throws Exception {
        store.write("login-1", login);
        TokenHolder holder = holder();
        holder.expireCopy();
        store.writesFail = true;
        directus.answer = new CountDownLatch(1);
        CompletableFuture<String> caller = CompletableFuture.supplyAsync(holder::accessToken, threads);
        await().atMost(Duration.ofSeconds(10)).until(() -> directus.refreshCalls.get() == 1);

        // The logout comes while Directus is refreshing; it waits for the login's lock, which the refresh holds.
        CompletableFuture<Void> logout = CompletableFuture.runAsync(holder::revoke, threads);
        await().atMost(Duration.ofSeconds(10)).until(holder::isRevoked);
        directus.answer.countDown();
        logout.get(30, TimeUnit.SECONDS);

        assertThat(directus.loggedOut).contains("refresh-1");
        assertThatThrownBy(() -> caller.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(DirectusException.class);
    }

    @Test
    void aRefreshUnderWayHoldsUpNoCallerThatNeedsNoneAndIsMadeOnceForAllThatDo() throws Exception {
        store.write("login-1", login);
        TokenHolder holder = holder();
        holder.expireCopy();
        store.lockFree = new CountDownLatch(1); // another instance is refreshing this login

        CompletableFuture<String> first = CompletableFuture.supplyAsync(holder::accessToken, threads);
        CompletableFuture<String> second = CompletableFuture.supplyAsync(holder::accessToken, threads);
        await().atMost(Duration.ofSeconds(10)).until(() -> store.lockCalls.get() == 1);

        assertThat(CompletableFuture.supplyAsync(holder::renewAt, threads).get(5, TimeUnit.SECONDS))
                .isBefore(Instant.now());
        assertThat(CompletableFuture.supplyAsync(holder::isRevoked, threads).get(5, TimeUnit.SECONDS))
                .isFalse();
        assertThat(first).isNotDone();

        store.lockFree.countDown();
        assertThat(first.get(30, TimeUnit.SECONDS)).isEqualTo("same-second-access");
        assertThat(second.get(30, TimeUnit.SECONDS)).isEqualTo("same-second-access");
        assertThat(directus.used).containsExactly("refresh-0");
        assertThat(store.lockCalls.get()).isEqualTo(1);
    }

    @Test
    void aCallerWaitsForARefreshAtMostRefreshWaitAndTheRefreshGoesOn() {
        store.write("login-1", login);
        TokenHolder holder = holder(Duration.ofMillis(200), Duration.ofMillis(50));
        holder.expireCopy();
        store.lockFree = new CountDownLatch(1);

        assertThatThrownBy(holder::accessToken)
                .isInstanceOfSatisfying(
                        DirectusException.class,
                        e -> assertThat(e.isUnreachable()).isTrue());
        assertThat(holder.isRevoked()).isFalse();

        store.lockFree.countDown();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> store.storedRefreshToken().equals("refresh-1"));
        assertThat(holder.accessToken()).isEqualTo("same-second-access");
        assertThat(directus.used).containsExactly("refresh-0");
    }
}
