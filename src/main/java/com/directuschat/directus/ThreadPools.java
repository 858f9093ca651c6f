package com.directuschat.directus;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.modulith.NamedInterface;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * The worker pools and timers of the realtime sessions and the chat sessions, as Spring beans (lifecycle, Micrometer's
 * {@code executor_*} meters by bean name) built one way, and the executor of the JDK HTTP clients to Directus. The
 * thread model as a whole is drawn in docs/architecture.md ("Threads"). The beans outlive the context's close event:
 * the chat's drain on shutdown runs after it and still hands work to them; they shut down when the beans using them
 * are gone.
 */
@NamedInterface("realtime")
public final class ThreadPools {

    /** Threads of {@link #httpClients()}: they only run the clients' callbacks, which never block. */
    static final int HTTP_CLIENT_THREADS = 8;

    private static final Duration KEEP_ALIVE = Duration.ofSeconds(60);
    /** Threads a pool makes at once for tasks that find none idle; past them a task waits until the queue stalls. */
    static final int EAGER_THREADS = Math.max(2, 2 * Runtime.getRuntime().availableProcessors());
    /** How long the queue may go without a thread taking a task from it before the pool adds a thread. */
    static final Duration PATIENCE = Duration.ofMillis(10);

    private ThreadPools() {}

    /**
     * A pool for tasks that may block (Directus calls, socket connects, writes to a tab that stopped reading). A task
     * goes to an idle thread if there is one; else to a new thread while the pool has fewer than
     * {@link #EAGER_THREADS}; else it waits in the queue, and the pool adds a thread, up to {@code maxThreads}, as
     * soon as the queue has not moved for {@link #PATIENCE} (its threads are blocked, not just busy). So a burst of
     * short tasks (1,000 tabs' deliveries, heartbeats) is worked off by the few threads there are instead of making a
     * thread per task, while tasks behind blocked ones wait at most about {@link #PATIENCE} per thread added. The idle
     * thread chosen is the one that became idle last (LIFO), so under a steady load the same few threads take the
     * work and the others end after 60 s idle. Past the cap tasks wait in the queue, never refused. Why the cap cannot
     * deadlock: no task on these pools waits for another task of its pool (lanes hand on, they never join), so a
     * full pool only delays: each blocked call has its own timeout, and the queue moves as they return (unlike Boot's
     * 8 threads over an unbounded queue, where 8 blocked tasks stall the rest for good).
     *
     * @param shutdownWait how long closing the context waits for the tasks under way (zero: interrupt them)
     */
    public static ThreadPoolTaskExecutor workers(String threadNamePrefix, int maxThreads, Duration shutdownWait) {
        ThreadPoolTaskExecutor pool = new ThreadPoolTaskExecutor() {
            private final HandOff queue = new HandOff(EAGER_THREADS, PATIENCE);

            @Override
            protected BlockingQueue<Runnable> createQueue(int queueCapacity) {
                return queue;
            }

            @Override
            protected ExecutorService initializeExecutor(ThreadFactory factory, RejectedExecutionHandler rejected) {
                ExecutorService executor = super.initializeExecutor(factory, rejected);
                queue.attach((ThreadPoolExecutor) executor);
                return executor;
            }
        };
        pool.setThreadNamePrefix(threadNamePrefix);
        pool.setDaemon(true);
        pool.setCorePoolSize(0);
        pool.setMaxPoolSize(maxThreads);
        pool.setKeepAliveSeconds((int) KEEP_ALIVE.toSeconds());
        pool.setRejectedExecutionHandler(ThreadPools::queueWhenFull);
        pool.setAcceptTasksAfterContextClose(true);
        pool.setWaitForTasksToCompleteOnShutdown(!shutdownWait.isZero());
        pool.setAwaitTerminationMillis(shutdownWait.toMillis());
        return pool;
    }

    /**
     * The same pool outside Spring's lifecycle: daemon threads {@code threadNamePrefix1, 2, …}, at most
     * {@code maxThreads}, ending after {@code keepAlive} idle.
     */
    static ThreadPoolExecutor bounded(
            String threadNamePrefix, int eagerThreads, int maxThreads, Duration keepAlive, Duration patience) {
        AtomicInteger count = new AtomicInteger();
        ThreadFactory threads = task -> {
            Thread thread = new Thread(task, threadNamePrefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
        HandOff queue = new HandOff(eagerThreads, patience);
        ThreadPoolExecutor pool = new ThreadPoolExecutor(
                0, maxThreads, keepAlive.toMillis(), TimeUnit.MILLISECONDS, queue, threads, ThreadPools::queueWhenFull);
        queue.attach(pool);
        return pool;
    }

    /**
     * The executor of every JDK {@code HttpClient} to Directus (REST, realtime sockets, health). Without one, each
     * client makes its own cached pool with no bound: a burst of 1,000 socket frames made hundreds of threads. Their
     * tasks are the clients' own callbacks and ours on socket frames, which hand on and never block, so a few threads
     * serve any number of sockets; a blocking {@code send} blocks its caller, never these.
     */
    public static Executor httpClients() {
        return HttpClientThreads.POOL;
    }

    private static final class HttpClientThreads {
        static final ThreadPoolExecutor POOL =
                bounded("directus-http-", HTTP_CLIENT_THREADS, HTTP_CLIENT_THREADS, KEEP_ALIVE, PATIENCE);
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
}
