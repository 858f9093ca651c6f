package com.directuschat.chat;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in order, on a shared pool: one session's work never overlaps itself.
 * A pool that refuses the drain, or a task that throws an Error, never leaves the lane stuck "running".
 */
final class SerialExecutor implements Executor {

    private static final Logger log = LoggerFactory.getLogger(SerialExecutor.class);

    private final Queue<Runnable> tasks = new ArrayDeque<>();
    private final Executor pool;
    private boolean running;

    SerialExecutor(Executor pool) {
        this.pool = pool;
    }

    @Override
    public void execute(Runnable task) {
        synchronized (this) {
            tasks.add(task);
            if (running) {
                return;
            }
            running = true;
        }
        submitDrain();
    }

    private void submitDrain() {
        try {
            pool.execute(this::drain);
        } catch (RejectedExecutionException e) {
            // The tasks stay queued; the next execute() tries the pool again.
            synchronized (this) {
                running = false;
            }
            throw e;
        }
    }

    private void drain() {
        while (true) {
            Runnable task;
            synchronized (this) {
                task = tasks.poll();
                if (task == null) {
                    running = false;
                    return;
                }
            }
            try {
                task.run();
            } catch (RuntimeException e) {
                log.warn("Chat session task failed: {}", e.toString());
            } catch (Error e) {
                // Hand the rest of the lane to a fresh drain, then let the Error reach the pool's handler.
                log.error("Chat session task failed: {}", e.toString());
                boolean more;
                synchronized (this) {
                    more = !tasks.isEmpty();
                    running = more;
                }
                if (more) {
                    submitDrain();
                }
                throw e;
            }
        }
    }
}
