package com.directuschat.chat;

import static com.directuschat.chat.ChatTestSupport.fragments;
import static com.directuschat.chat.ChatTestSupport.properties;
import static org.assertj.core.api.Assertions.assertThat;

import com.directuschat.chat.ChatTestSupport.FakeMessages;
import com.directuschat.chat.ChatTestSupport.ManualExecutor;
import com.directuschat.chat.ChatTestSupport.RecordingEmitter;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.concurrent.ConcurrentTaskScheduler;

class ChatSessionsTest {

    private final ScheduledExecutorService timerThread = Executors.newSingleThreadScheduledExecutor();
    private final TaskScheduler timer = new ConcurrentTaskScheduler(timerThread);
    private final java.util.concurrent.ExecutorService workers = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        timerThread.shutdownNow();
        workers.shutdownNow();
    }

    /**
     * Directus refuses the login's token while its realtime session opens: the login ends at once, and the
     * session-end hook removes it from the map. That must not happen inside the map's own compute.
     */
    @Test
    void aLoginThatEndsWhileItsRealtimeSessionOpensLeavesTheMapConsistent() {
        AtomicInteger closed = new AtomicInteger();
        ChatSessions[] sessions = new ChatSessions[1];
        sessions[0] = new ChatSessions(
                (tokens, listener) -> {
                    listener.onAuthLost(); // synchronously, as a refused refresh does
                    return closed::incrementAndGet;
                },
                new FakeMessages(),
                properties(Duration.ofMinutes(1)),
                workers,
                timer,
                ChatTestSupport.metrics());
        MockHttpSession http = new MockHttpSession() {
            @Override
            public void invalidate() {
                super.invalidate();
                sessions[0].loginEnded(getId()); // what SessionEndHook does
            }
        };

        ChatSession session = sessions[0].of(http, null);
        ManualExecutor lane = new ManualExecutor();
        RecordingEmitter tab = new RecordingEmitter();
        session.attach(new MessageStream(
                tab, 0, ZoneOffset.UTC, fragments(), 16, lane, Runnable::run, ChatTestSupport.metrics()));

        assertThat(sessions[0].find(http.getId())).isNull();
        assertThat(closed.get()).isEqualTo(1);
        assertThat(session.isConnected()).isFalse();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
            lane.runAll();
            return tab.completed;
        });
        assertThat(tab.raw()).contains("event:session-ended");
    }

    /** A stopped context may be started again (the test context cache pauses idle ones): streams are taken again. */
    @Test
    void aStopRefusesStreamsAndAStartTakesThemAgain() {
        ChatSessions sessions = new ChatSessions(
                (tokens, listener) -> () -> {},
                new FakeMessages(),
                properties(Duration.ofMinutes(1)),
                workers,
                timer,
                ChatTestSupport.metrics());
        sessions.start();
        assertThat(sessions.acceptsStreams()).isTrue();
        sessions.stop();
        assertThat(sessions.acceptsStreams()).isFalse();
        sessions.start();
        assertThat(sessions.acceptsStreams()).isTrue();
    }
}
