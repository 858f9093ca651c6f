package com.directuschat.directus;

import java.time.Instant;
import org.springframework.modulith.NamedInterface;

/** A Directus token pair. Never leaves the server. */
@NamedInterface("rest")
public record AuthTokens(String accessToken, String refreshToken, Instant expiresAt) {

    @Override
    public String toString() {
        return "AuthTokens[expiresAt=" + expiresAt + "]";
    }
}
