package com.directuschat.directus;

import java.time.Duration;
import java.util.AbstractQueue;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
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

    private ThreadPools() {}

    /**
     * A pool for tasks that may block (Directus calls, socket connects, writes to a tab that stopped reading). A task
     * goes to an idle thread if there is one, else to a new thread up to {@code maxThreads}; past that it waits in a
     * queue, never refused. The idle thread chosen is the one that became idle last (LIFO), so under a steady load
     * the same few threads take the work and the others stay idle and end after 60 s: the pool keeps as many threads
     * as the tasks in flight need, not as many as its largest burst ever made. Why the cap cannot deadlock: below it
     * no task waits behind another (no queue, unlike Boot's 8 threads over an unbounded queue, where 8 blocked tasks
     * stall the rest), and no task on these pools waits for another task of its pool (lanes hand on, they never
     * join), so a full pool only delays: each blocked call has its own timeout, and the queue moves as they return.
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
    static ThreadPoolExecutor bounded(String threadNamePrefix, int maxThreads, Duration keepAlive) {
        AtomicInteger count = new AtomicInteger();
        ThreadFactory threads = task -> {
            Thread thread = new Thread(task, threadNamePrefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
        return new ThreadPoolExecutor(
                0,
                maxThreads,
                keepAlive.toMillis(),
                TimeUnit.MILLISECONDS,
                new HandOff(),
                threads,
                ThreadPools::queueWhenFull);
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
        static final ThreadPoolExecutor POOL = bounded("directus-http-", HTTP_CLIENT_THREADS, KEEP_ALIVE);
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

    /**
     * The pool's queue. {@code offer} (how the pool hands a new task on) takes a task only when a thread is idle, and
     * gives it to the thread that became idle last, so the pool makes a new thread (up to its cap) instead of
     * queueing, and threads idle at the bottom of the stack time out. Tasks wait here only past the cap
     * ({@link #enqueue}), and a thread takes them, oldest first, before it goes idle.
     */
    static final class HandOff extends AbstractQueue<Runnable> implements BlockingQueue<Runnable> {

        private final ReentrantLock lock = new ReentrantLock();
        private final ArrayDeque<Runnable> queued = new ArrayDeque<>();
        /** Idle threads, the last one to become idle first. */
        private final ArrayDeque<Idle> idle = new ArrayDeque<>();

        private static final class Idle {
            final Thread thread = Thread.currentThread();
            volatile Runnable task;
        }

        /** Gives {@code task} to the thread idle for the shortest time, if any; the caller holds the lock. */
        private boolean handToIdle(Runnable task) {
            Idle waiting = idle.pollFirst();
            if (waiting == null) {
                return false;
            }
            waiting.task = task;
            LockSupport.unpark(waiting.thread);
            return true;
        }

        @Override
        public boolean offer(Runnable task) {
            Objects.requireNonNull(task);
            return locked(tasks -> handToIdle(task));
        }

        @Override
        public boolean offer(Runnable task, long timeout, TimeUnit unit) {
            return offer(task);
        }

        /** To an idle thread, else to the end of the queue. */
        void enqueue(Runnable task) {
            Objects.requireNonNull(task);
            locked(tasks -> handToIdle(task) || tasks.add(task));
        }

        @Override
        public void put(Runnable task) {
            enqueue(task);
        }

        @Override
        public Runnable poll(long timeout, TimeUnit unit) throws InterruptedException {
            return await(System.nanoTime() + unit.toNanos(timeout), true);
        }

        @Override
        public Runnable take() throws InterruptedException {
            return await(0, false);
        }

        private Runnable await(long deadline, boolean timed) throws InterruptedException {
            Idle self;
            lock.lock();
            try {
                Runnable next = queued.poll();
                if (next != null) {
                    return next;
                }
                self = new Idle();
                idle.push(self);
            } finally {
                lock.unlock();
            }
            while (true) {
                Runnable task = self.task;
                if (task != null) {
                    return task;
                }
                boolean interrupted = Thread.interrupted();
                long left = timed ? deadline - System.nanoTime() : Long.MAX_VALUE;
                if (interrupted || left <= 0) {
                    lock.lock();
                    try {
                        if (self.task == null) {
                            idle.remove(self);
                        }
                    } finally {
                        lock.unlock();
                    }
                    if (self.task != null) {
                        // Handed a task as we gave up: run it, and keep the interrupt for the pool to see.
                        if (interrupted) {
                            Thread.currentThread().interrupt();
                        }
                        return self.task;
                    }
                    if (interrupted) {
                        throw new InterruptedException();
                    }
                    return null;
                }
                if (timed) {
                    LockSupport.parkNanos(this, left);
                } else {
                    LockSupport.park(this);
                }
            }
        }

        /** {@code read} of the queued tasks, under the lock. */
        private <T> T locked(Function<ArrayDeque<Runnable>, T> read) {
            lock.lock();
            try {
                return read.apply(queued);
            } finally {
                lock.unlock();
            }
        }

        @Override
        public Runnable poll() {
            return locked(ArrayDeque::poll);
        }

        @Override
        public Runnable peek() {
            return locked(ArrayDeque::peek);
        }

        @Override
        public boolean remove(Object task) {
            return locked(tasks -> tasks.remove(task));
        }

        @Override
        public int size() {
            return locked(ArrayDeque::size);
        }

        /** A snapshot; its {@code remove} removes from the queue. */
        @Override
        public Iterator<Runnable> iterator() {
            Iterator<Runnable> it = locked(ArrayList::new).iterator();
            return new Iterator<>() {
                private Runnable last;

                @Override
                public boolean hasNext() {
                    return it.hasNext();
                }

                @Override
                public Runnable next() {
                    last = it.next();
                    return last;
                }

                @Override
                public void remove() {
                    HandOff.this.remove(last);
                }
            };
        }

        @Override
        public int remainingCapacity() {
            return Integer.MAX_VALUE;
        }

        @Override
        public int drainTo(Collection<? super Runnable> sink) {
            return drainTo(sink, Integer.MAX_VALUE);
        }

        @Override
        public int drainTo(Collection<? super Runnable> sink, int maxElements) {
            return locked(tasks -> {
                int moved = 0;
                while (moved < maxElements && !tasks.isEmpty()) {
                    sink.add(tasks.poll());
                    moved++;
                }
                return moved;
            });
        }
    }
}
