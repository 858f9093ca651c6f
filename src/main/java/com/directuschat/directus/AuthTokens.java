package com.directuschat.directus;

import java.time.Instant;

/** A Directus token pair. Never leaves the server. */
public record AuthTokens(String accessToken, String refreshToken, Instant expiresAt) {

    @Override
    public String toString() {
        return "AuthTokens[expiresAt=" + expiresAt + "]";
    }
}
