package com.directuschat.chat;

import com.directuschat.directus.AccessTokenSource;
import com.directuschat.directus.RealtimeListener;
import com.directuschat.directus.ThreadPools;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.function.BooleanSupplier;
import java.util.function.LongFunction;
import org.springframework.scheduling.TaskScheduler;

/**
 * A login's Directus realtime session, held while its tabs need it: opened by the first tab, closed when no tab
 * has been open for the idle timeout, closed for good when the login ends. Each opening is a new generation;
 * events of an earlier one are to be ignored ({@link #isCurrent}).
 */
final class RealtimeLease {

    /** Opens a login's realtime session; the handle closes it. */
    @FunctionalInterface
    interface Opener {
        Handle open(AccessTokenSource tokens, RealtimeListener listener);
    }

    @FunctionalInterface
    interface Handle {
        void close();
    }

    private final AccessTokenSource tokens;
    private final Opener opener;
    private final Duration idleTimeout;
    private final Executor worker;
    private final TaskScheduler timer;
    private Handle handle;
    /** Read without the lock by realtime callbacks, which run under the realtime session's own lock. */
    private volatile long generation;

    private volatile boolean ended;
    private ScheduledFuture<?> idleClose;

    RealtimeLease(AccessTokenSource tokens, Opener opener, Duration idleTimeout, Executor worker, TaskScheduler timer) {
        this.tokens = tokens;
        this.opener = opener;
        this.idleTimeout = idleTimeout;
        this.worker = worker;
        this.timer = timer;
    }

    /** Opens the session unless it is open (or the login ended); {@code listener} is made for the new generation. */
    synchronized void open(LongFunction<RealtimeListener> listener) {
        cancelIdleClose();
        if (ended || handle != null) {
            return;
        }
        long current = ++generation;
        // May end the login at once (a refused token): close(true) then runs re-entrantly and sets ended.
        Handle opened = opener.open(tokens, listener.apply(current));
        if (ended || current != generation) {
            opened.close();
        } else {
            handle = opened;
        }
    }

    /** Closes the session after the idle timeout unless {@code stillIdle} says a tab came back meanwhile. */
    synchronized void closeWhenIdle(BooleanSupplier stillIdle) {
        if (ended || handle == null || idleClose != null) {
            return;
        }
        // The timer is shared: closing (which takes this lease's lock) runs on a worker.
        idleClose = ThreadPools.later(timer, idleTimeout, worker, () -> closeIfIdle(stillIdle));
    }

    /**
     * The check and the release are one step under this lock, as {@link #open} is: a tab that attaches after the
     * check (its stream is added before it opens) then finds no handle and opens a new session, instead of keeping
     * one that is closed under it.
     */
    private void closeIfIdle(BooleanSupplier stillIdle) {
        Handle closing;
        synchronized (this) {
            idleClose = null;
            if (!stillIdle.getAsBoolean()) {
                return;
            }
            closing = release(false);
        }
        closeOutsideTheLock(closing);
    }

    void close(boolean end) {
        Handle closing;
        synchronized (this) {
            closing = release(end);
        }
        closeOutsideTheLock(closing);
    }

    /** Takes the handle, so that events of its generation are ignored; the caller holds this lock. */
    private Handle release(boolean end) {
        ended |= end;
        cancelIdleClose();
        generation++;
        Handle closing = handle;
        handle = null;
        return closing;
    }

    /** The realtime session calls back under its own lock, so it is closed outside this one. */
    private static void closeOutsideTheLock(Handle closing) {
        if (closing != null) {
            closing.close();
        }
    }

    synchronized boolean isOpen() {
        return handle != null;
    }

    boolean isCurrent(long eventsGeneration) {
        return eventsGeneration == generation && !ended;
    }

    private void cancelIdleClose() {
        if (idleClose != null) {
            idleClose.cancel(false);
            idleClose = null;
        }
    }
}
