package com.directuschat.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.directuschat.chat.ChatTestSupport.RecordingEmitter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MessageStreamTest {

    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    /** An emitter whose first write never finishes until released, like a tab that stopped reading. */
    static final class StalledEmitter extends RecordingEmitter {
        final CountDownLatch writing = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public void send(SseEventBuilder builder) throws IOException {
            writing.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            super.send(builder);
        }
    }

    @Test
    void anOverflowingStreamIsClosedWhileItsWriteIsStillStalled() throws Exception {
        StalledEmitter emitter = new StalledEmitter();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        MessageStream stream = new MessageStream(
                emitter,
                0,
                ZoneOffset.UTC,
                ChatTestSupport.fragments(),
                4,
                new SerialExecutor(pool),
                pool,
                new ChatMetrics(meters));
        try {
            stream.heartbeat();
            assertThat(emitter.writing.await(10, TimeUnit.SECONDS)).isTrue();
            for (int i = 0; i < 5; i++) {
                stream.heartbeat();
            }
            assertThat(meters.get("chat.stream.overflows").counter().count()).isEqualTo(1);
            assertThat(stream.isClosed()).isTrue();
            assertThat(stream.queued()).isZero();
            await().atMost(Duration.ofSeconds(10)).until(() -> emitter.completed);
            assertThat(emitter.release.getCount()).isEqualTo(1); // the stalled write has not returned
        } finally {
            emitter.release.countDown();
        }
    }
}
