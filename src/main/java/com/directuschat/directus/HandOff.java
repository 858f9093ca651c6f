package com.directuschat.directus;

import java.time.Duration;
import java.util.AbstractQueue;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * The pool's queue. {@code offer} (how the pool hands a new task on) gives a task to the thread that became idle
 * last if one is idle (so threads idle at the bottom of the stack time out); else it refuses the task, so that
 * the pool makes a thread for it, while the pool has fewer than {@code eager} threads or the queue has stalled;
 * else it queues it. Threads take queued tasks, oldest first, before they go idle. A task that waits in a queue
 * that then stalls with no new task coming gets a thread from {@link #GROWER}.
 */
final class HandOff extends AbstractQueue<Runnable> implements BlockingQueue<Runnable> {

    private static final Runnable NOTHING = () -> {};
    /** Adds a thread to a pool whose queue stalled while no task arrived to do it; one daemon thread, made on use. */
    private static final ScheduledThreadPoolExecutor GROWER = grower();

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

    private static ScheduledThreadPoolExecutor grower() {
        ScheduledThreadPoolExecutor grower = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "thread-pools-grower");
            thread.setDaemon(true);
            return thread;
        });
        grower.setKeepAliveTime(60_000, TimeUnit.MILLISECONDS);
        grower.allowCoreThreadTimeOut(true);
        return grower;
    }

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
