package com.directuschat.directus;

import java.time.Duration;

/**
 * The ping/pong rule of one socket, on monotonic nanos. We ping every {@code interval}; a pong is due within
 * {@code interval * 2/5}; after a missed pong we ping again at once, and a second missed pong means the
 * link is dead. Any frame received counts as a pong. Worst case, a link cut right after a pong (to the ping
 * sent at t0) is declared dead at t0 + interval + 2 * interval * 2/5 = t0 + 1.8 * interval: 9 s at 5 s.
 */
final class Liveness {

    enum Action {
        PING,
        DEAD,
        WAIT
    }

    private final long interval;
    private final long pongTimeout;
    private long pingDueAt;
    private long pongDueAt;
    private boolean awaitingPong;
    private int missed;

    Liveness(Duration interval, long now) {
        this.interval = interval.toNanos();
        this.pongTimeout = this.interval * 2 / 5;
        this.pingDueAt = now + this.interval;
    }

    /** A frame arrived: the link works. */
    void heard() {
        awaitingPong = false;
        missed = 0;
    }

    /** When {@link #tick} has something to do next. */
    long nextDueAt() {
        return awaitingPong ? pongDueAt : pingDueAt;
    }

    /** What to do at {@code now}; {@link Action#PING} means: send a ping now. */
    Action tick(long now) {
        if (awaitingPong) {
            if (now - pongDueAt < 0) {
                return Action.WAIT;
            }
            if (++missed >= 2) {
                return Action.DEAD;
            }
            return ping(now);
        }
        return now - pingDueAt < 0 ? Action.WAIT : ping(now);
    }

    private Action ping(long now) {
        awaitingPong = true;
        pongDueAt = now + pongTimeout;
        pingDueAt = now + interval;
        return Action.PING;
    }
}
