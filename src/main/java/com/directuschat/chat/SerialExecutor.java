package com.directuschat.chat;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs tasks one at a time, in order, on a shared pool: one session's work never overlaps itself. */
final class SerialExecutor implements Executor {

    private static final Logger log = LoggerFactory.getLogger(SerialExecutor.class);

    private final Queue<Runnable> tasks = new ArrayDeque<>();
    private final Executor pool;
    private boolean running;

    SerialExecutor(Executor pool) {
        this.pool = pool;
    }

    @Override
    public synchronized void execute(Runnable task) {
        tasks.add(task);
        if (!running) {
            running = true;
            pool.execute(this::drain);
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
            }
            catch (RuntimeException e) {
                log.warn("Chat session task failed: {}", e.toString());
            }
        }
    }
}
