package com.directuschat.directus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
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
