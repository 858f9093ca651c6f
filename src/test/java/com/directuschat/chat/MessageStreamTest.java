package com.directuschat.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.directuschat.chat.ChatTestSupport.RecordingEmitter;
import com.directuschat.directus.RealtimeSession;
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
        MessageStream stream = stalled(emitter, meters);
        try {
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

    @Test
    void aBurstOfStateEventsCostsAStalledTabOneSlotEachAndTheNewestIsWritten() throws Exception {
        StalledEmitter emitter = new StalledEmitter();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        MessageStream stream = stalled(emitter, meters);
        try {
            // A thousand users joining while the tab is not reading: far more than its queue holds.
            for (int i = 1; i <= 1000; i++) {
                stream.online("<li>user " + i + "</li>");
                stream.event("rooms", "<li>rooms " + i + "</li>");
                stream.status(i % 2 == 0 ? RealtimeSession.State.LIVE : RealtimeSession.State.RECONNECTING);
            }
            assertThat(meters.get("chat.stream.overflows").counter().count()).isZero();
            assertThat(stream.isClosed()).isFalse();
            assertThat(stream.queued()).isEqualTo(3);
        } finally {
            emitter.release.countDown();
        }
        await().atMost(Duration.ofSeconds(10))
                .until(() -> stream.queued() == 0 && emitter.raw().contains("rooms 1000"));
        String raw = emitter.raw();
        assertThat(raw).contains("user 1000").doesNotContain("user 999<").doesNotContain("user 1<");
        assertThat(raw).doesNotContain("rooms 999<");
        assertThat(raw.split("event:status", -1)).hasSize(2);
    }

    @Test
    void aReplacedStateEventGoesAfterWhatWasQueuedBeforeIt() throws Exception {
        StalledEmitter emitter = new StalledEmitter();
        MessageStream stream = stalled(emitter, new SimpleMeterRegistry());
        try {
            stream.online("<li>first list</li>");
            stream.deliver(ChatTestSupport.message(7));
            stream.online("<li>second list</li>");
        } finally {
            emitter.release.countDown();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> emitter.raw().contains("second list"));
        String raw = emitter.raw();
        assertThat(raw).doesNotContain("first list");
        assertThat(raw.indexOf("id:7")).isPositive().isLessThan(raw.indexOf("second list"));
    }

    @Test
    void messagesStillOverflowAStalledTab() throws Exception {
        StalledEmitter emitter = new StalledEmitter();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        MessageStream stream = stalled(emitter, meters);
        try {
            stream.online("<li>list</li>");
            for (long id = 1; id <= 4; id++) {
                stream.deliver(ChatTestSupport.message(id));
            }
            assertThat(meters.get("chat.stream.overflows").counter().count()).isEqualTo(1);
            assertThat(stream.isClosed()).isTrue();
        } finally {
            emitter.release.countDown();
        }
    }

    /** A stream with a queue of 4 whose first write (a heartbeat) is stalled until {@code emitter} releases it. */
    private MessageStream stalled(StalledEmitter emitter, SimpleMeterRegistry meters) throws InterruptedException {
        MessageStream stream = new MessageStream(
                emitter,
                0,
                ZoneOffset.UTC,
                ChatTestSupport.fragments(),
                4,
                new SerialExecutor(pool),
                pool,
                new ChatMetrics(meters));
        stream.heartbeat();
        assertThat(emitter.writing.await(10, TimeUnit.SECONDS)).isTrue();
        return stream;
    }
}
