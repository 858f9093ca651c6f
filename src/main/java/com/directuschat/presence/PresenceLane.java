package com.directuschat.presence;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs presence cycles on the io executor one at a time: requests that arrive while one runs fold into one more
 * run, so a burst of enters and leaves costs one round of Directus calls, never overlapping ones.
 */
final class PresenceLane {

    private final Executor io;
    private final Runnable cycle;
    private final AtomicInteger requests = new AtomicInteger();
    private volatile boolean closed;

    /** @param io null in unit tests, which run the cycle by hand */
    PresenceLane(Executor io, Runnable cycle) {
        this.io = io;
        this.cycle = cycle;
    }

    void request() {
        if (closed || io == null || requests.getAndIncrement() != 0) {
            return;
        }
        try {
            io.execute(this::drain);
        } catch (RejectedExecutionException e) {
            requests.set(0);
        }
    }

    void close() {
        closed = true;
    }

    private void drain() {
        int seen;
        do {
            seen = requests.get();
            cycle.run();
        } while (requests.addAndGet(-seen) != 0 && !closed);
        if (closed) {
            requests.set(0);
        }
    }
}
