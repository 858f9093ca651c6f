package com.directuschat.chat;

import static com.directuschat.chat.ChatTestSupport.fragments;
import static com.directuschat.chat.ChatTestSupport.properties;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.directuschat.chat.ChatTestSupport.FakeMessages;
import com.directuschat.chat.ChatTestSupport.ManualExecutor;
import com.directuschat.chat.ChatTestSupport.RecordingEmitter;
import com.directuschat.directus.AccessTokenSource;
import com.directuschat.directus.ChatMessage;
import com.directuschat.directus.ChatRoom;
import com.directuschat.directus.RealtimeListener;

class ChatSessionTest {

    private final ManualExecutor lanes = new ManualExecutor();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final Fragments fragments = fragments();
    private final List<RealtimeListener> listeners = new ArrayList<>();
    private final AtomicInteger closedHandles = new AtomicInteger();

    @AfterEach
    void stopTimer() {
        timer.shutdownNow();
    }

    private ChatSession session(ChatSession.MessageSource directus, Duration idleTimeout) {
        return new ChatSession(null, (tokens, listener) -> {
            listeners.add(listener);
            return closedHandles::incrementAndGet;
        }, directus, properties(idleTimeout), lanes, Runnable::run, timer, () -> { });
    }

    private MessageStream stream(RecordingEmitter emitter, long since) {
        return new MessageStream(emitter, since, ZoneOffset.UTC, fragments, 256, lanes, Runnable::run,
                new MessageStream.StreamStats());
    }

    /**
     * A live message that the lane handles after the tab joined but before the tab's replay ran must not move
     * the replay's start: a tab more than the overlap behind would never get the messages in between.
     */
    @Test
    void aLiveMessageAheadOfTheReplayDoesNotMoveWhereTheReplayStarts() {
        FakeMessages directus = new FakeMessages().upTo(150);
        ChatSession session = session(directus, Duration.ofMinutes(1));
        MessageStream first = stream(new RecordingEmitter(), 150);
        session.attach(first);
        lanes.runAll();

        listeners.get(0).onMessageCreated(150); // queued on the session's lane before the new tab joins
        RecordingEmitter behind = new RecordingEmitter();
        session.attach(stream(behind, 100)); // this tab has seen up to 100
        lanes.runAll();

        assertThat(behind.messageIds()).containsExactlyElementsOf(LongStream.rangeClosed(101, 150).boxed().toList());
        assertThat(directus.replaysFrom).last().isEqualTo(80L); // 100 minus the overlap of 20
    }

    @Test
    void liveMessagesAreDeliveredOnceInTheOrderTheyArrived() {
        FakeMessages directus = new FakeMessages().upTo(10);
        ChatSession session = session(directus, Duration.ofMinutes(1));
        RecordingEmitter tab = new RecordingEmitter();
        session.attach(stream(tab, 10));
        lanes.runAll();
        directus.upTo(13);
        listeners.get(0).onMessageCreated(11);
        listeners.get(0).onMessageCreated(12);
        listeners.get(0).onMessageCreated(12);
        listeners.get(0).onMessageCreated(13);
        lanes.runAll();
        assertThat(tab.messageIds()).containsExactly(11L, 12L, 13L);
    }

    /** Reads that finish in the other order (a cache miss, then a hit) still deliver in the order ids arrived. */
    @Test
    void deliveriesKeepTheirArrivalOrderWhenReadsFinishOutOfOrder() {
        FakeMessages directus = new FakeMessages().upTo(10);
        Map<Long, CompletableFuture<Map<Long, ChatMessage>>> pending =
                new HashMap<>();
        ChatSession.MessageSource slow = new ChatSession.MessageSource() {
            @Override
            public CompletableFuture<Map<Long, ChatMessage>> read(
                    List<Long> ids, AccessTokenSource tokens) {
                var future = new CompletableFuture<Map<Long, ChatMessage>>();
                pending.put(ids.get(0), future);
                return future;
            }

            @Override
            public List<ChatMessage> after(AccessTokenSource tokens, ChatRoom room,
                    long afterId, int limit) {
                return directus.after(tokens, room, afterId, limit);
            }
        };
        ChatSession session = session(slow, Duration.ofMinutes(1));
        RecordingEmitter tab = new RecordingEmitter();
        session.attach(stream(tab, 10));
        lanes.runAll();
        listeners.get(0).onMessageCreated(11);
        lanes.runAll();
        listeners.get(0).onMessageCreated(12);
        lanes.runAll();
        pending.get(12L).complete(Map.of(12L, ChatTestSupport.message(12)));
        lanes.runAll();
        assertThat(tab.messageIds()).isEmpty();
        pending.get(11L).complete(Map.of(11L, ChatTestSupport.message(11)));
        lanes.runAll();
        assertThat(tab.messageIds()).containsExactly(11L, 12L);
    }

    @Test
    void theSocketClosesWhenNoTabIsOpenAndTheNextTabReopensItAndReplays() {
        FakeMessages directus = new FakeMessages().upTo(5);
        ChatSession session = session(directus, Duration.ofMillis(50));
        MessageStream tab = stream(new RecordingEmitter(), 5);
        session.attach(tab);
        lanes.runAll();
        assertThat(session.isConnected()).isTrue();

        session.detach(tab);
        await().atMost(Duration.ofSeconds(10)).until(() -> closedHandles.get() == 1);
        assertThat(session.isConnected()).isFalse();

        // Events of the closed socket are ignored; what was created meanwhile comes from the replay.
        listeners.get(0).onMessageCreated(6);
        directus.upTo(8);
        RecordingEmitter next = new RecordingEmitter();
        session.attach(stream(next, 5));
        lanes.runAll();
        assertThat(listeners).hasSize(2);
        assertThat(session.isConnected()).isTrue();
        assertThat(next.messageIds()).containsExactly(6L, 7L, 8L);
    }

    @Test
    void aTabThatComesBackBeforeTheTimeoutKeepsTheSocket() {
        FakeMessages directus = new FakeMessages().upTo(1);
        ChatSession session = session(directus, Duration.ofMillis(200));
        MessageStream tab = stream(new RecordingEmitter(), 1);
        session.attach(tab);
        session.detach(tab);
        session.attach(stream(new RecordingEmitter(), 1));
        lanes.runAll();
        // The cancelled close never runs: wait past the timeout by waiting for a later timer task.
        var later = timer.schedule(() -> { }, 400, TimeUnit.MILLISECONDS);
        await().atMost(Duration.ofSeconds(10)).until(later::isDone);
        assertThat(closedHandles.get()).isZero();
        assertThat(listeners).hasSize(1);
    }

    @Test
    void theEndOfTheLoginTellsEveryTabAndClosesTheSocket() {
        ChatSession session = session(new FakeMessages(), Duration.ofMinutes(1));
        RecordingEmitter tab = new RecordingEmitter();
        session.attach(stream(tab, 0));
        lanes.runAll();
        session.close();
        lanes.runAll();
        assertThat(closedHandles.get()).isEqualTo(1);
        assertThat(tab.raw()).contains("event:session-ended");
        assertThat(tab.completed).isTrue();
    }
}
