package com.directuschat.chat;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * One stream's bounded queue, drained on its own serial executor, so a stalled tab blocks nobody else. It shares
 * its stream's lock ({@code lock}): the queue and {@code closed} are guarded by it, and methods not marked as
 * taking it themselves expect the caller to hold it.
 * <p>
 * A state event (the online list, the room list, the connection status) replaces the one of its kind still
 * waiting: the page shows only the newest, so a burst of changes (a thousand users joining) costs a slow tab one
 * queue slot instead of overflowing it.
 */
final class WriterLane {

    private final Object lock;
    private final SseEmitter emitter;
    private final int capacity;
    private final Executor writer;
    private final Executor closer;
    private final ChatMetrics metrics;
    private final Deque<SseEmitter.SseEventBuilder> queue = new ArrayDeque<>();
    /** The state events still in {@code queue}, by kind. */
    private final Map<String, SseEmitter.SseEventBuilder> waitingStates = new HashMap<>();

    private boolean closed;

    WriterLane(Object lock, SseEmitter emitter, int capacity, Executor writer, Executor closer, ChatMetrics metrics) {
        this.lock = lock;
        this.emitter = emitter;
        this.capacity = capacity;
        this.writer = writer;
        this.closer = closer;
        this.metrics = metrics;
    }

    boolean closed() {
        return closed;
    }

    int queued() {
        return queue.size();
    }

    /** Runs {@code task} on the writer lane, after what is queued now. */
    void run(Runnable task) {
        writer.execute(task);
    }

    /** Queues {@code event} for the writer lane (nothing once closed); false when the queue is full. */
    boolean enqueue(SseEmitter.SseEventBuilder event) {
        if (closed) {
            return true;
        }
        if (queue.size() >= capacity) {
            return false;
        }
        queue.add(event);
        metrics.queued(queue.size());
        writer.execute(this::drainOne);
        return true;
    }

    /**
     * Queues a state event of kind {@code kind}: one still waiting of that kind is dropped and this one goes to the
     * end of the queue, after what was queued before it. False when the queue is full.
     */
    boolean enqueueState(String kind, SseEmitter.SseEventBuilder event) {
        if (closed) {
            return true;
        }
        SseEmitter.SseEventBuilder waiting = waitingStates.remove(kind);
        if (waiting == null || !queue.removeFirstOccurrence(waiting)) {
            if (!enqueue(event)) {
                return false;
            }
        } else {
            // One out, one in: the drain task queued for the dropped event writes this one.
            queue.add(event);
        }
        waitingStates.put(kind, event);
        return true;
    }

    /** The tab fell too far behind: the stream closes, and the browser reconnects and is replayed. */
    void overflow() {
        metrics.overflowed();
        markClosed();
        // Not on the writer lane: that lane is stuck in the very write this close is meant to cut off.
        closer.execute(this::completeQuietly);
    }

    /** The container saw the stream end (timeout, client gone, error). */
    void markClosed() {
        closed = true;
        queue.clear();
        waitingStates.clear();
    }

    /** Ends the stream; takes the lock itself. */
    void complete() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            markClosed();
        }
        completeQuietly();
    }

    /** The emitter may not be started yet, or already gone with its request; either way it is over. */
    private void completeQuietly() {
        try {
            emitter.complete();
        } catch (IllegalStateException alreadyOver) {
            // nothing left to release
        }
    }

    private void drainOne() {
        SseEmitter.SseEventBuilder event;
        synchronized (lock) {
            event = queue.poll();
            if (event == null || closed) {
                return;
            }
            waitingStates.values().remove(event);
        }
        send(event);
    }

    /** Writes on the writer lane, without the lock (takes it itself on failure); false when the tab is gone. */
    boolean send(SseEmitter.SseEventBuilder event) {
        try {
            emitter.send(event);
            return true;
        } catch (IOException | IllegalStateException e) {
            synchronized (lock) {
                markClosed();
            }
            try {
                emitter.completeWithError(e);
            } catch (IllegalStateException alreadyOver) {
                // the request is gone already
            }
            return false;
        }
    }
}
