package com.directuschat.directus;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;

/** Counters of all realtime sessions: how often they connect, and when the last connects happened. */
public final class RealtimeStats {

    private static final int KEPT = 1000;

    private final AtomicLong attempts = new AtomicLong();
    private final AtomicLong authenticated = new AtomicLong();
    private final ConcurrentLinkedDeque<Instant> attemptTimes = new ConcurrentLinkedDeque<>();

    void attempted() {
        attempts.incrementAndGet();
        attemptTimes.addLast(Instant.now());
        while (attemptTimes.size() > KEPT) {
            attemptTimes.pollFirst();
        }
    }

    void authenticated() {
        authenticated.incrementAndGet();
    }

    /** WebSocket connects started, first ones and reconnects. */
    public long attempts() {
        return attempts.get();
    }

    /** Successful handshake authentications, including re-authentications. */
    public long authentications() {
        return authenticated.get();
    }

    /** When the most recent connect attempts started (up to the last 1000). */
    public List<Instant> attemptTimes() {
        return List.copyOf(attemptTimes);
    }
}
