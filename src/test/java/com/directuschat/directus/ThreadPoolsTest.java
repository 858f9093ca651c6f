package com.directuschat.directus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

class ThreadPoolsTest {

    /** A task that waits for {@code release}, {@code atMost} long, and then runs {@code then} (unless interrupted). */
    private static Runnable waiting(CountDownLatch release, Duration atMost, Runnable then) {
        return () -> {
            try {
                release.await(atMost.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            then.run();
        };
    }

    /** A pool of {@code maxThreads} at most, given {@code tasks} that wait for {@code release}, then run {@code then}. */
    private static ThreadPoolTaskExecutor busy(int maxThreads, int tasks, CountDownLatch release, Runnable then) {
        ThreadPoolTaskExecutor pool = ThreadPools.workers("test-worker-", maxThreads, Duration.ZERO);
        pool.initialize();
        for (int i = 0; i < tasks; i++) {
            pool.execute(waiting(release, Duration.ofSeconds(10), then));
        }
        return pool;
    }

    @Test
    void aFullPoolQueuesTasksInsteadOfRefusingThem() {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger ran = new AtomicInteger();
        ThreadPoolTaskExecutor pool = busy(2, 5, release, ran::incrementAndGet);
        try {
            assertThat(pool.getPoolSize()).isEqualTo(2);
            assertThat(pool.getQueueSize()).isEqualTo(3);
            release.countDown();
            await().atMost(Duration.ofSeconds(10)).until(() -> ran.get() == 5);
            assertThat(pool.getThreadPoolExecutor().getLargestPoolSize()).isEqualTo(2);
        } finally {
            pool.shutdown();
        }
        assertThatThrownBy(() -> pool.execute(() -> {})).isInstanceOf(RejectedExecutionException.class);
    }

    @Test
    void belowItsCapAPoolNeverMakesATaskWaitBehindABlockedOne() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        ThreadPoolTaskExecutor pool = busy(100, 20, release, () -> {});
        try {
            CountDownLatch ran = new CountDownLatch(1);
            pool.execute(ran::countDown);
            assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(Thread.getAllStackTraces().keySet())
                    .anyMatch(thread -> thread.getName().startsWith("test-worker-") && thread.isDaemon());
            release.countDown();
        } finally {
            pool.shutdown();
        }
    }

    /** Gives {@code pool} {@code tasks} tasks that wait for the latch returned. */
    private static CountDownLatch fill(ThreadPoolExecutor pool, int tasks) {
        CountDownLatch release = new CountDownLatch(1);
        for (int i = 0; i < tasks; i++) {
            pool.execute(waiting(release, Duration.ofSeconds(10), () -> {}));
        }
        return release;
    }

    /** Runs one quick task on {@code pool} and waits for it. */
    private static void runOne(ThreadPoolExecutor pool) throws Exception {
        pool.submit(() -> {}).get(5, TimeUnit.SECONDS);
    }

    /**
     * A burst makes threads up to the cap; under a steady trickle afterwards the same thread takes every task (the
     * last one to become idle), so the others idle past their keep-alive and end. Handing tasks out in turn (first
     * idle, first served) would keep all of them busy enough never to end.
     */
    @Test
    void afterABurstTheThreadsTheLoadNoLongerNeedsEndWhileTasksKeepComing() throws Exception {
        ThreadPoolExecutor pool =
                ThreadPools.bounded("test-burst-", 8, 8, Duration.ofMillis(500), ThreadPools.PATIENCE);
        try {
            CountDownLatch release = fill(pool, 20);
            assertThat(pool.getPoolSize()).isEqualTo(8);
            assertThat(pool.getQueue()).hasSize(12);
            release.countDown();
            await().atMost(Duration.ofSeconds(10)).until(() -> pool.getCompletedTaskCount() == 20);
            await().atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(20))
                    .until(
                            () -> {
                                runOne(pool);
                                return pool.getPoolSize();
                            },
                            size -> size <= 2);
            assertThat(pool.getLargestPoolSize()).isEqualTo(8);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Past its eager threads a pool queues a task instead of making a thread, as long as its queue moves: a burst of
     * short tasks is worked off by the threads there are. (The patience here is far longer than the test.)
     */
    @Test
    void aBurstOfShortTasksIsWorkedOffByTheEagerThreads() throws Exception {
        ThreadPoolExecutor pool =
                ThreadPools.bounded("test-short-", 2, 100, Duration.ofSeconds(60), Duration.ofHours(1));
        try {
            AtomicInteger ran = new AtomicInteger();
            for (int i = 0; i < 2000; i++) {
                pool.execute(ran::incrementAndGet);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> ran.get() == 2000);
            assertThat(pool.getLargestPoolSize()).isLessThanOrEqualTo(2);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Tasks queued behind blocked threads get threads of their own once the queue stalls, with no new task coming. */
    @Test
    void aQueueStalledBehindBlockedThreadsGetsMoreThreads() {
        ThreadPoolExecutor pool =
                ThreadPools.bounded("test-stalled-", 2, 100, Duration.ofSeconds(60), ThreadPools.PATIENCE);
        CountDownLatch release = new CountDownLatch(1);
        try {
            CountDownLatch started = new CountDownLatch(20);
            for (int i = 0; i < 20; i++) {
                pool.execute(() -> {
                    started.countDown();
                    waiting(release, Duration.ofSeconds(10), () -> {}).run();
                });
            }
            // Each blocked task has a thread (the grower and a stalled offer may both add one for the same task).
            await().atMost(Duration.ofSeconds(10)).until(() -> started.getCount() == 0);
            assertThat(pool.getPoolSize()).isGreaterThanOrEqualTo(20);
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void anIdlePoolEndsAllItsThreadsAndStartsAgainOnTheNextTask() throws Exception {
        ThreadPoolExecutor pool = ThreadPools.bounded("test-idle-", 4, 4, Duration.ofMillis(100), ThreadPools.PATIENCE);
        try {
            fill(pool, 4).countDown();
            await().atMost(Duration.ofSeconds(10)).until(() -> pool.getPoolSize() == 0);
            runOne(pool);
        } finally {
            pool.shutdownNow();
        }
    }

    /** The HTTP clients' executor stays at its few threads however many callbacks arrive at once. */
    @Test
    void theHttpClientsExecutorIsBounded() {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger ran = new AtomicInteger();
        for (int i = 0; i < 100; i++) {
            ThreadPools.httpClients().execute(waiting(release, Duration.ofSeconds(10), ran::incrementAndGet));
        }
        long httpThreads = Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().startsWith("directus-http-"))
                .count();
        assertThat(httpThreads).isBetween(1L, (long) ThreadPools.HTTP_CLIENT_THREADS);
        release.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> ran.get() == 100);
    }

    /**
     * Stands for the chat's drain: a lifecycle bean that, as the context stops, sets a timer (a session's idle close)
     * and hands two writes to a pool of one thread, so that the second waits in its queue.
     */
    static final class Drain implements SmartLifecycle {
        final ThreadPoolTaskExecutor pool;
        final ThreadPoolTaskScheduler timer;
        final CountDownLatch written = new CountDownLatch(2);
        final CountDownLatch timed = new CountDownLatch(1);
        volatile boolean running;

        Drain(ThreadPoolTaskExecutor pool, ThreadPoolTaskScheduler timer) {
            this.pool = pool;
            this.timer = timer;
        }

        @Override
        public void start() {
            running = true;
        }

        @Override
        public void stop() {
            running = false;
            ThreadPools.later(timer, Duration.ofMillis(10), pool, timed::countDown);
            for (int i = 0; i < 2; i++) {
                // A read-position write to Directus.
                pool.execute(waiting(new CountDownLatch(1), Duration.ofMillis(100), written::countDown));
            }
        }

        @Override
        public boolean isRunning() {
            return running;
        }
    }

    /**
     * Spring signals its executors when the context closes, before the lifecycle beans stop (a scheduler then refuses
     * new tasks, a pool drops what is queued when it is destroyed): these take the drain's work then, and closing waits
     * for it. A stopped context (the test context cache pauses idle ones) starts again with its pools working.
     */
    @Test
    void thePoolsServeALifecycleBeanThatStopsWithTheContextAndSurviveAStopAndStart() throws Exception {
        AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
        context.registerBean(
                "workers",
                ThreadPoolTaskExecutor.class,
                () -> ThreadPools.workers("test-worker-", 1, Duration.ofSeconds(5)));
        context.registerBean("timer", ThreadPoolTaskScheduler.class, () -> ThreadPools.timer("test-timer-"));
        context.registerBean(
                Drain.class,
                () -> new Drain(
                        context.getBean(ThreadPoolTaskExecutor.class), context.getBean(ThreadPoolTaskScheduler.class)));
        context.refresh();
        Drain drain = context.getBean(Drain.class);
        ThreadPoolTaskExecutor pool = context.getBean(ThreadPoolTaskExecutor.class);

        context.stop();
        context.start();
        assertThat(drain.written.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(drain.timed.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(pool.submit(() -> "still working").get(5, TimeUnit.SECONDS)).isEqualTo("still working");

        Drain closing = new Drain(pool, context.getBean(ThreadPoolTaskScheduler.class));
        context.getBeanFactory().registerSingleton("closing", closing);
        closing.start();
        context.close();
        assertThat(closing.written.getCount())
                .as("both writes the drain handed on ran, the queued one too, although the context was closing")
                .isZero();
    }
}
