package com.directuschat.directus;

import java.time.Duration;

/**
 * The ping/pong rule of one socket, on monotonic nanos. We ping after {@code interval} of silence: any frame
 * received counts as a pong and puts the next ping off, so a link that carries events, or Directus's own heartbeat
 * (a ping every 30 s, which we answer), needs no ping of ours, and an idle login costs Directus no more than a
 * direct client does. A pong is due within {@code interval * 2/5}; after a missed pong we ping again at once, and a
 * second missed pong means the link is dead. Worst case, a link cut silently right after a frame at t0 is declared
 * dead at t0 + interval + 2 * interval * 2/5 = t0 + 1.8 * interval: 63 s at the default 35 s (a link that is closed
 * or reset is noticed at once).
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

    /** A frame arrived at {@code now}: the link works, and the next ping is due an interval of silence later. */
    void heard(long now) {
        awaitingPong = false;
        missed = 0;
        pingDueAt = now + interval;
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
