package com.directuschat.directus;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with full jitter: attempt n waits a uniform random time in
 * [0, min(cap, base * 2^n)], so that many sessions cut at once do not come back at once.
 */
public final class Backoff {

    private final Duration base;
    private final Duration cap;
    private final RandomGenerator random;

    public Backoff(Duration base, Duration cap, RandomGenerator random) {
        this.base = base;
        this.cap = cap;
        this.random = random;
    }

    /** The upper bound of attempt {@code attempt} (0-based). */
    public Duration ceiling(int attempt) {
        long baseMs = base.toMillis();
        int shift = Math.min(attempt, 30);
        long ceiling = baseMs > (Long.MAX_VALUE >> shift) ? Long.MAX_VALUE : baseMs << shift;
        return Duration.ofMillis(Math.min(cap.toMillis(), ceiling));
    }

    public Duration delay(int attempt) {
        long ceiling = ceiling(attempt).toMillis();
        return Duration.ofMillis(ceiling == 0 ? 0 : random.nextLong(ceiling + 1));
    }
}
