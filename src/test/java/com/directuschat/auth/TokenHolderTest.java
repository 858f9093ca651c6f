package com.directuschat.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.directuschat.auth.TokenStore.StoredTokens;
import com.directuschat.directus.AuthTokens;
import com.directuschat.directus.DirectusClient;
import com.directuschat.directus.DirectusException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Two instances' holders of one login on one store, against a Directus that rotates refresh tokens. */
class TokenHolderTest {

    /**
     * Like Directus in JSON mode: only the newest refresh token works, and the access token has no session in it,
     * so within one second a refresh returns the same access token again.
     */
    static final class RotatingDirectus extends DirectusClient {
        final List<String> used = new ArrayList<>();
        String valid = "refresh-0";

        RotatingDirectus() {
            super(null);
        }

        @Override
        public synchronized AuthTokens refresh(String refreshToken) {
            if (!refreshToken.equals(valid)) {
                throw new DirectusException(401, "INVALID_CREDENTIALS", "Invalid user credentials.");
            }
            used.add(refreshToken);
            valid = "refresh-" + used.size();
            return new AuthTokens("same-second-access", valid, Instant.now().plus(Duration.ofMinutes(15)));
        }
    }

    private final RotatingDirectus directus = new RotatingDirectus();
    private final MemoryTokenStore store = new MemoryTokenStore();
    private final StoredTokens login = new StoredTokens(
            new AuthTokens("same-second-access", "refresh-0", Instant.now().plus(Duration.ofMinutes(15))),
            Instant.now());

    private TokenHolder holder() {
        return new TokenHolder("login-1", login, directus, store, Duration.ofSeconds(30), new AtomicLong(), () -> {});
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
        assertThat(store.read("login-1").tokens().refreshToken()).isEqualTo("refresh-1");
    }
}
