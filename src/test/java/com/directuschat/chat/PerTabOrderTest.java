package com.directuschat.chat;

import static com.directuschat.chat.ChatTestSupport.fragments;
import static com.directuschat.chat.ChatTestSupport.message;
import static com.directuschat.chat.ChatTestSupport.properties;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.directuschat.chat.ChatTestSupport.FakeMessages;
import com.directuschat.chat.ChatTestSupport.RecordingEmitter;
import com.directuschat.directus.AccessTokenSource;
import com.directuschat.directus.ChatMessage;
import com.directuschat.directus.DirectusProperties;
import com.directuschat.directus.RealtimeListener;
import java.net.URI;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * A tab gets its login's live messages in the order the realtime session delivered them, on the pool and timer Spring
 * manages ({@link ChatThreads}), which run everyone's work on many threads at once. Two gates make a broken order
 * certain rather than likely: the first read of new messages, and the first write of one to the tab, each wait (up to
 * {@link Gate#WAIT}) for a second one to start. Only work of that session, or of that tab, running beside its own
 * earlier work starts one meanwhile: without the session's lane message 2 overtakes message 1 at the read, without the
 * tab's writer lane at the write.
 */
class PerTabOrderTest {

    private static final int MESSAGES = 40;

    private final ChatProperties chat = properties(Duration.ofMinutes(1));
    private final ThreadPoolTaskExecutor workers = new ChatThreads()
            .chatWorkers(
                    chat,
                    new DirectusProperties(
                            URI.create("http://directus.invalid"),
                            Duration.ofSeconds(10),
                            Duration.ofSeconds(5),
                            Duration.ofSeconds(30),
                            Duration.ofSeconds(30),
                            1));
    private final ThreadPoolTaskScheduler timer = new ChatThreads().chatTimer();

    @BeforeEach
    void startPools() {
        workers.initialize();
        timer.initialize();
    }

    @AfterEach
    void stopPools() {
        workers.shutdown();
        timer.shutdown();
    }

    /**
     * Holds up the work on message 1 until other work passes (for {@link #WAIT} at most), and then lets that work
     * finish first ({@link #HEAD_START}). Nothing passes meanwhile unless it runs beside the work on message 1.
     */
    static final class Gate {
        static final Duration WAIT = Duration.ofMillis(300);
        static final Duration HEAD_START = Duration.ofMillis(100);
        final CountDownLatch held = new CountDownLatch(1);
        private final CountDownLatch other = new CountDownLatch(1);
        volatile boolean open;

        void pass(boolean messageOne) {
            if (!open) {
                return;
            }
            if (!messageOne) {
                other.countDown();
                return;
            }
            held.countDown();
            try {
                if (other.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                    Thread.sleep(HEAD_START.toMillis());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Test
    void aTabGetsItsLiveMessagesInTheOrderTheyArrived() throws Exception {
        Gate reads = new Gate();
        FakeMessages directus = new FakeMessages() {
            @Override
            public CompletableFuture<Map<Long, ChatMessage>> read(List<Long> ids, AccessTokenSource tokens) {
                reads.pass(ids.contains(1L));
                return super.read(ids, tokens);
            }
        };
        Gate writes = new Gate();
        RecordingEmitter tab = new RecordingEmitter() {
            @Override
            void sending(String event) {
                writes.pass(event.startsWith("id:1\n"));
            }
        };
        List<RealtimeListener> realtime = new CopyOnWriteArrayList<>();
        ChatSessions sessions = new ChatSessions(
                (tokens, listener) -> {
                    realtime.add(listener);
                    return () -> {};
                },
                directus,
                chat,
                workers,
                timer,
                ChatTestSupport.metrics());
        ChatSession session = sessions.of(new MockHttpSession(), null);
        MessageStream stream = new MessageStream(
                tab,
                0,
                ZoneOffset.UTC,
                fragments(),
                256,
                sessions.streamWriter(),
                sessions.closer(),
                ChatTestSupport.metrics());
        session.attach(stream);
        // The replay has started on the tab's lane; the heartbeat is written behind it. Once it is out, live messages
        // are no longer held back (held ones are merged in id order, which would hide the order of their delivery).
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            synchronized (directus) {
                return directus.replaysFrom.size() == 1;
            }
        });
        stream.heartbeat();
        await().atMost(Duration.ofSeconds(10)).until(() -> tab.raw().contains("heartbeat"));

        reads.open = true;
        writes.open = true;
        LongStream.rangeClosed(1, MESSAGES).forEach(id -> directus.stored.put(id, message(id)));
        realtime.get(0).onMessageCreated(1);
        assertThat(reads.held.await(10, TimeUnit.SECONDS)).isTrue();
        LongStream.rangeClosed(2, MESSAGES).forEach(realtime.get(0)::onMessageCreated);

        await().atMost(Duration.ofSeconds(10)).until(() -> tab.messageIds().size() == MESSAGES);
        assertThat(tab.messageIds())
                .containsExactlyElementsOf(
                        LongStream.rangeClosed(1, MESSAGES).boxed().toList());
    }
}
