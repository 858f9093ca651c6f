package com.directuschat.directus;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import org.springframework.scheduling.TaskScheduler;

/** Time and timers of realtime sessions: one shared timer in production, a fake clock in tests. */
interface RealtimeTimers {

    /** Monotonic time, for intervals. */
    long nanoTime();

    /** Wall time, for token expiry. */
    Instant now();

    /** Runs {@code task} on a worker after {@code delay}; it may block, the timer never does. */
    Cancellable schedule(Duration delay, Runnable task);

    /** Runs {@code task} on a worker now. */
    void execute(Runnable task);

    interface Cancellable {

        Cancellable NONE = () -> {};

        void cancel();
    }

    /** One timer thread for all sessions, which only hands due tasks to the worker pool. */
    static RealtimeTimers shared(TaskScheduler timer, Executor worker) {
        return new RealtimeTimers() {

            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public Instant now() {
                return Instant.now();
            }

            @Override
            public Cancellable schedule(Duration delay, Runnable task) {
                ScheduledFuture<?> future = ThreadPools.later(timer, delay, worker, task);
                return () -> future.cancel(false);
            }

            @Override
            public void execute(Runnable task) {
                worker.execute(task);
            }
        };
    }
}
