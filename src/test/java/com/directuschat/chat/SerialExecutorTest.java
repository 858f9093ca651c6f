package com.directuschat.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

class SerialExecutorTest {

    /** A pool whose tasks run when the test says so; it can be told to refuse work. */
    static final class ManualPool implements Executor {
        final Deque<Runnable> queued = new ArrayDeque<>();
        boolean refusing;

        @Override
        public void execute(Runnable command) {
            if (refusing) {
                throw new RejectedExecutionException("pool is shut down");
            }
            queued.add(command);
        }

        void runAll() {
            while (!queued.isEmpty()) {
                try {
                    queued.poll().run();
                } catch (Error expected) {
                    // a pool thread dies; the pool goes on
                }
            }
        }
    }

    @Test
    void runsTasksOneAtATimeInOrder() {
        ManualPool pool = new ManualPool();
        SerialExecutor lane = new SerialExecutor(pool);
        List<Integer> ran = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int n = i;
            lane.execute(() -> ran.add(n));
        }
        assertThat(pool.queued).hasSize(1);
        pool.runAll();
        assertThat(ran).containsExactly(0, 1, 2, 3, 4);
    }

    @Test
    void aRefusedDrainDoesNotLeaveTheLaneStuck() {
        ManualPool pool = new ManualPool();
        SerialExecutor lane = new SerialExecutor(pool);
        List<String> ran = new ArrayList<>();
        pool.refusing = true;
        assertThatThrownBy(() -> lane.execute(() -> ran.add("first"))).isInstanceOf(RejectedExecutionException.class);

        pool.refusing = false;
        lane.execute(() -> ran.add("second"));
        pool.runAll();
        assertThat(ran).containsExactly("first", "second");
    }

    @Test
    void aTaskThrowingAnErrorDoesNotStopTheLane() {
        ManualPool pool = new ManualPool();
        SerialExecutor lane = new SerialExecutor(pool);
        List<String> ran = new ArrayList<>();
        lane.execute(() -> {
            throw new AssertionError("boom");
        });
        lane.execute(() -> ran.add("queued behind the error"));
        pool.runAll();
        lane.execute(() -> ran.add("later"));
        pool.runAll();
        assertThat(ran).containsExactly("queued behind the error", "later");
    }
}
