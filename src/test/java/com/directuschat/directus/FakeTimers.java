package com.directuschat.directus;

import java.time.Duration;
import java.time.Instant;
import java.util.PriorityQueue;

/** A fake clock with a timer queue: tasks run on the test's thread when {@link #advance} passes their time. */
final class FakeTimers implements RealtimeTimers {

    private static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");

    private final PriorityQueue<Task> tasks = new PriorityQueue<>();
    private long nanos;
    private long sequence;

    @Override
    public long nanoTime() {
        return nanos;
    }

    @Override
    public Instant now() {
        return EPOCH.plusNanos(nanos);
    }

    /** Time since the fake clock started. */
    Duration elapsed() {
        return Duration.ofNanos(nanos);
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        Task scheduled = new Task(nanos + Math.max(0, delay.toNanos()), sequence++, task);
        tasks.add(scheduled);
        return () -> scheduled.cancelled = true;
    }

    @Override
    public void execute(Runnable task) {
        schedule(Duration.ZERO, task);
    }

    /** Moves the clock forward, running every task that falls due on the way, in time order. */
    void advance(Duration duration) {
        long target = nanos + duration.toNanos();
        while (!tasks.isEmpty() && tasks.peek().due <= target) {
            Task next = tasks.poll();
            nanos = Math.max(nanos, next.due);
            if (!next.cancelled) {
                next.task.run();
            }
        }
        nanos = target;
    }

    private static final class Task implements Comparable<Task> {

        final long due;
        final long sequence;
        final Runnable task;
        boolean cancelled;

        Task(long due, long sequence, Runnable task) {
            this.due = due;
            this.sequence = sequence;
            this.task = task;
        }

        @Override
        public int compareTo(Task other) {
            int byDue = Long.compare(due, other.due);
            return byDue != 0 ? byDue : Long.compare(sequence, other.sequence);
        }
    }
}
