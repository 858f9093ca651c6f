package com.directuschat.directus;

import org.springframework.modulith.NamedInterface;

/** Supplies a user's current access token; the owner refreshes it (single-flight) when needed. */
@NamedInterface({"rest", "realtime"})
public interface AccessTokenSource {

    /** A token valid for at least a short while, refreshed first if it is near expiry. */
    String accessToken();

    /** Directus refused {@code rejected}: refresh unless another caller already did, and return the new token. */
    String refreshAfterRejection(String rejected);

    /** When the current access token is due for renewal, a little before it expires. */
    java.time.Instant renewAt();
}
