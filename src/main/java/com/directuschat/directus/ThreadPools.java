package com.directuschat.directus;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import org.springframework.modulith.NamedInterface;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * The worker pools and timers of the realtime sessions and the chat sessions, as Spring beans (lifecycle, Micrometer's
 * {@code executor_*} meters by bean name) built one way. Both outlive the context's close event: the chat's drain on
 * shutdown runs after it and still hands work to them; they shut down when the beans using them are gone.
 */
@NamedInterface("realtime")
public final class ThreadPools {

    private ThreadPools() {}

    /**
     * A pool for tasks that may block (Directus calls, socket connects, writes to a tab that stopped reading). It
     * grows as a cached pool does, one thread per task unless one is idle, up to {@code maxThreads}; past that, tasks
     * wait in a queue, never refused. Why these bounds cannot deadlock: below the cap no task waits behind another
     * (no queue, unlike Boot's 8 threads over an unbounded queue, where 8 blocked tasks stall the rest), and no task
     * on these pools waits for another task of its pool (lanes hand on, they never join), so a full pool only delays:
     * each blocked call has its own timeout, and the queue moves as they return. Idle threads end after 60 s.
     *
     * @param shutdownWait how long closing the context waits for the tasks under way (zero: interrupt them)
     */
    public static ThreadPoolTaskExecutor workers(String threadNamePrefix, int maxThreads, Duration shutdownWait) {
        ThreadPoolTaskExecutor pool = new ThreadPoolTaskExecutor() {
            @Override
            protected BlockingQueue<Runnable> createQueue(int queueCapacity) {
                return new HandOff();
            }
        };
        pool.setThreadNamePrefix(threadNamePrefix);
        pool.setDaemon(true);
        pool.setCorePoolSize(0);
        pool.setMaxPoolSize(maxThreads);
        pool.setKeepAliveSeconds(60);
        pool.setRejectedExecutionHandler(ThreadPools::queueWhenFull);
        pool.setAcceptTasksAfterContextClose(true);
        pool.setWaitForTasksToCompleteOnShutdown(!shutdownWait.isZero());
        pool.setAwaitTerminationMillis(shutdownWait.toMillis());
        return pool;
    }

    /** One timer thread, which only hands due tasks to a worker pool ({@link #later}) and so never blocks. */
    public static ThreadPoolTaskScheduler timer(String threadNamePrefix) {
        ThreadPoolTaskScheduler timer = new ThreadPoolTaskScheduler();
        timer.setThreadNamePrefix(threadNamePrefix);
        timer.setDaemon(true);
        timer.setPoolSize(1);
        // Idle timeouts and watchdogs are cancelled far more often than they fire.
        timer.setRemoveOnCancelPolicy(true);
        timer.setAcceptTasksAfterContextClose(true);
        return timer;
    }

    /** Runs {@code task} on {@code worker} after {@code delay}: the timer itself only hands it on. */
    public static ScheduledFuture<?> later(TaskScheduler timer, Duration delay, Executor worker, Runnable task) {
        return timer.schedule(
                () -> worker.execute(task), timer.getClock().instant().plus(delay));
    }

    /** The pool is at its cap: the task waits for a thread (or is refused once the pool is shut down). */
    private static void queueWhenFull(Runnable task, ThreadPoolExecutor pool) {
        if (pool.isShutdown()) {
            throw new RejectedExecutionException("The " + pool + " is shut down");
        }
        ((HandOff) pool.getQueue()).enqueue(task);
        if (pool.getPoolSize() == 0) {
            // Its last thread ended just now: start one for the queue.
            pool.execute(() -> {});
        }
    }

    /** Takes a task only when an idle thread is there for it, so the pool makes a new thread instead of queueing. */
    private static final class HandOff extends LinkedTransferQueue<Runnable> {

        @Override
        public boolean offer(Runnable task) {
            return tryTransfer(task);
        }

        void enqueue(Runnable task) {
            super.offer(task);
        }
    }
}
