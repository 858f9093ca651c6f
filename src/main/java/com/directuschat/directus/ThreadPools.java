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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
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
    /** Threads a pool makes at once for tasks that find none idle; past them a task waits until the queue stalls. */
    static final int EAGER_THREADS = Math.max(2, 2 * Runtime.getRuntime().availableProcessors());
    /** How long the queue may go without a thread taking a task from it before the pool adds a thread. */
    static final Duration PATIENCE = Duration.ofMillis(10);
    /** Adds a thread to a pool whose queue stalled while no task arrived to do it; one daemon thread, made on use. */
    private static final ScheduledThreadPoolExecutor GROWER = grower();

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

    private static ScheduledThreadPoolExecutor grower() {
        ScheduledThreadPoolExecutor grower = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "thread-pools-grower");
            thread.setDaemon(true);
            return thread;
        });
        grower.setKeepAliveTime(KEEP_ALIVE.toMillis(), TimeUnit.MILLISECONDS);
        grower.allowCoreThreadTimeOut(true);
        return grower;
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

    /**
     * The pool's queue. {@code offer} (how the pool hands a new task on) gives a task to the thread that became idle
     * last if one is idle (so threads idle at the bottom of the stack time out); else it refuses the task, so that
     * the pool makes a thread for it, while the pool has fewer than {@code eager} threads or the queue has stalled;
     * else it queues it. Threads take queued tasks, oldest first, before they go idle. A task that waits in a queue
     * that then stalls with no new task coming gets a thread from {@link #GROWER}.
     */
    static final class HandOff extends AbstractQueue<Runnable> implements BlockingQueue<Runnable> {

        private static final Runnable NOTHING = () -> {};

        private final ReentrantLock lock = new ReentrantLock();
        private final ArrayDeque<Runnable> queued = new ArrayDeque<>();
        /** Idle threads, the last one to become idle first. */
        private final ArrayDeque<Idle> idle = new ArrayDeque<>();

        private final int eager;
        private final long patienceNanos;
        private volatile ThreadPoolExecutor pool;
        /** When a thread last took a task from {@code queued}, or when it last became non-empty. */
        private long movedAt;

        private boolean checkPending;

        HandOff(int eager, Duration patience) {
            this.eager = eager;
            this.patienceNanos = patience.toNanos();
        }

        void attach(ThreadPoolExecutor pool) {
            this.pool = pool;
        }

        /** Queued tasks, and none taken for longer than the patience; the caller holds the lock. */
        private boolean stalled(long now) {
            return !queued.isEmpty() && now - movedAt >= patienceNanos;
        }

        /** Queues {@code task}; the caller holds the lock. */
        private boolean add(Runnable task, long now) {
            if (queued.isEmpty()) {
                movedAt = now;
            }
            queued.add(task);
            if (!checkPending && pool != null) {
                checkPending = true;
                GROWER.schedule(this::check, patienceNanos, TimeUnit.NANOSECONDS);
            }
            return true;
        }

        /** On the grower: a queue that stalled gets one more thread (through {@link #offer}); then checks again. */
        private void check() {
            ThreadPoolExecutor owner = pool;
            boolean stalled;
            lock.lock();
            try {
                if (queued.isEmpty() || owner.isShutdown()) {
                    checkPending = false;
                    return;
                }
                stalled = stalled(System.nanoTime());
            } finally {
                lock.unlock();
            }
            if (stalled && owner.getPoolSize() < owner.getMaximumPoolSize()) {
                owner.execute(NOTHING);
            }
            GROWER.schedule(this::check, patienceNanos, TimeUnit.NANOSECONDS);
        }

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
            ThreadPoolExecutor owner = pool;
            // Read before taking the lock: the pool takes its own lock for it, and holds that one while it drains us.
            int threads = owner == null ? 0 : owner.getPoolSize();
            return locked(tasks -> {
                if (handToIdle(task)) {
                    return true;
                }
                long now = System.nanoTime();
                if (owner == null || threads < eager || (stalled(now) && threads < owner.getMaximumPoolSize())) {
                    return false; // the pool makes a thread for it
                }
                return add(task, now);
            });
        }

        @Override
        public boolean offer(Runnable task, long timeout, TimeUnit unit) {
            return offer(task);
        }

        /** To an idle thread, else to the end of the queue. */
        void enqueue(Runnable task) {
            Objects.requireNonNull(task);
            locked(tasks -> handToIdle(task) || add(task, System.nanoTime()));
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
                    movedAt = System.nanoTime();
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
            return locked(tasks -> {
                Runnable next = tasks.poll();
                if (next != null) {
                    movedAt = System.nanoTime();
                }
                return next;
            });
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
