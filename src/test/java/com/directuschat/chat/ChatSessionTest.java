package com.directuschat.chat;

import static com.directuschat.chat.ChatTestSupport.fragments;
import static com.directuschat.chat.ChatTestSupport.properties;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.directuschat.chat.ChatTestSupport.FakeMessages;
import com.directuschat.chat.ChatTestSupport.ManualExecutor;
import com.directuschat.chat.ChatTestSupport.RecordingEmitter;
import com.directuschat.directus.AccessTokenSource;
import com.directuschat.directus.ChatMessage;
import com.directuschat.directus.ChatRoom;
import com.directuschat.directus.RealtimeListener;
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
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.concurrent.ConcurrentTaskScheduler;

class ChatSessionTest {

    private final ManualExecutor lanes = new ManualExecutor();
    private final ScheduledExecutorService timerThread = Executors.newSingleThreadScheduledExecutor();
    private final TaskScheduler timer = new ConcurrentTaskScheduler(timerThread);
    private final Fragments fragments = fragments();
    private final List<RealtimeListener> listeners = new ArrayList<>();
    private final AtomicInteger closedHandles = new AtomicInteger();

    @AfterEach
    void stopTimer() {
        timerThread.shutdownNow();
    }

    private ChatSession session(MessageSource directus, Duration idleTimeout) {
        return session(directus, properties(idleTimeout));
    }

    private ChatSession session(MessageSource directus, ChatProperties properties) {
        return new ChatSession(
                null,
                (tokens, listener) -> {
                    listeners.add(listener);
                    return closedHandles::incrementAndGet;
                },
                directus,
                properties,
                lanes,
                Runnable::run,
                timer,
                () -> {});
    }

    private MessageStream stream(RecordingEmitter emitter, long since) {
        return new MessageStream(
                emitter, since, ZoneOffset.UTC, fragments, 256, lanes, Runnable::run, ChatTestSupport.metrics());
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

        assertThat(behind.messageIds())
                .containsExactlyElementsOf(
                        LongStream.rangeClosed(101, 150).boxed().toList());
        assertThat(directus.replaysFrom).last().isEqualTo(80L); // 100 minus the overlap of 20
    }

    /**
     * A tab further behind than one replay reads ({@code chat.backfill-limit}, here 50) gets the rest too, page by
     * page, each message once and in order, and then the live messages.
     */
    @Test
    void aTabMoreThanOneReplayBehindGetsEverythingItMissed() {
        FakeMessages directus = new FakeMessages().upTo(234);
        ChatSession session = session(directus, properties(Duration.ofMinutes(1), 50));
        RecordingEmitter behind = new RecordingEmitter();
        session.attach(stream(behind, 100));
        lanes.runAll();
        directus.upTo(235);
        listeners.get(0).onMessageCreated(235);
        lanes.runAll();

        assertThat(behind.messageIds())
                .containsExactlyElementsOf(
                        LongStream.rangeClosed(101, 235).boxed().toList());
        // The first page starts the overlap (20) below the tab's position, each next one after the last id read;
        // the last, not full, ends the replay.
        assertThat(directus.replaysFrom).containsExactly(80L, 130L, 180L, 230L);
    }

    /**
     * On PostgreSQL a lower id can commit after a higher one. The page shows 81 to 100 but for 95 (committed after
     * the page was rendered, before its stream opened) and 97 (committed once the stream is live): both come, once;
     * what the page shows does not come again, replayed or live.
     */
    @Test
    void lowerIdsCommittedLateBelowThePagesPositionStillComeOnce() {
        List<Long> shown = LongStream.rangeClosed(81, 100)
                .filter(id -> id != 95 && id != 97)
                .boxed()
                .toList();
        assertThat(deliveredWith97CommittedLate(0, shown)).containsExactly(95L, 97L, 101L);
    }

    /**
     * A page that has not loaded its room back to the beginning (a short history) says where its oldest message is:
     * what is older is what it never loaded, not what committed late. Here it shows 95 to 100 but for 97.
     */
    @Test
    void whatIsOlderThanThePagesOldestMessageIsNotTakenForALateCommit() {
        assertThat(deliveredWith97CommittedLate(95, List.of(95L, 96L, 98L, 99L, 100L)))
                .containsExactly(97L, 101L);
    }

    /** A page that does not say what it shows (an older page, a plain client) gets nothing at or below its position. */
    @Test
    void withoutWhatThePageShowsNothingAtOrBelowItsPositionComes() {
        assertThat(deliveredWith97CommittedLate(0, null)).containsExactly(101L);
    }

    /**
     * What a tab at 100 whose page shows {@code shown} (null: it does not say), none below {@code oldest}, gets when
     * 97 commits once it is live, followed by live events of 97, 90, 95 and then 101.
     */
    private List<Long> deliveredWith97CommittedLate(long oldest, List<Long> shown) {
        FakeMessages directus = new FakeMessages().upTo(100);
        directus.stored.remove(97L);
        ChatSession session = session(directus, Duration.ofMinutes(1));
        RecordingEmitter tab = new RecordingEmitter();
        MessageStream stream = stream(tab, 100);
        if (shown != null) {
            stream.shown(20, oldest, shown);
        }
        session.attach(stream);
        lanes.runAll();
        directus.upTo(101);
        for (long id : List.of(97L, 90L, 95L, 101L)) {
            listeners.get(0).onMessageCreated(id);
        }
        lanes.runAll();
        return tab.messageIds();
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
        Map<Long, CompletableFuture<Map<Long, ChatMessage>>> pending = new HashMap<>();
        MessageSource slow = new MessageSource() {
            @Override
            public CompletableFuture<Map<Long, ChatMessage>> read(List<Long> ids, AccessTokenSource tokens) {
                var future = new CompletableFuture<Map<Long, ChatMessage>>();
                pending.put(ids.get(0), future);
                return future;
            }

            @Override
            public List<ChatMessage> after(AccessTokenSource tokens, ChatRoom room, long afterId, int limit) {
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
        var later = timerThread.schedule(() -> {}, 400, TimeUnit.MILLISECONDS);
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

    private static ChatMessage byAlice(long id, String content, java.time.Instant updatedAt) {
        return new ChatMessage(
                id,
                content,
                java.time.Instant.parse("2026-11-28T10:00:00Z"),
                "alice-id",
                "Alice",
                "Example",
                null,
                updatedAt);
    }

    /**
     * An edit and a delete that follow a create whose read is still under way wait for it: the tab gets the
     * message, then its edit, then its removal, in event order. The viewer's own message has Edit and Delete.
     */
    @Test
    void editsAndDeletesFollowTheCreateTheyChange() {
        java.time.Instant edited = java.time.Instant.parse("2026-11-28T10:05:00Z");
        CompletableFuture<Map<Long, ChatMessage>> createRead = new CompletableFuture<>();
        MessageSource source = new MessageSource() {
            @Override
            public CompletableFuture<Map<Long, ChatMessage>> read(List<Long> ids, AccessTokenSource tokens) {
                return createRead;
            }

            @Override
            public List<ChatMessage> after(AccessTokenSource tokens, ChatRoom room, long afterId, int limit) {
                return List.of();
            }

            @Override
            public CompletableFuture<ChatMessage> updated(
                    long id, java.time.Instant updatedAt, AccessTokenSource tokens) {
                return CompletableFuture.completedFuture(byAlice(id, "second thoughts", updatedAt));
            }
        };
        ChatSession session = session(source, Duration.ofMinutes(1));
        RecordingEmitter alice = new RecordingEmitter();
        MessageStream aliceTab = stream(alice, 10);
        aliceTab.viewer("alice-id");
        RecordingEmitter bob = new RecordingEmitter();
        MessageStream bobTab = stream(bob, 10);
        bobTab.viewer("bob-id");
        session.attach(aliceTab);
        session.attach(bobTab);
        lanes.runAll();

        listeners.get(0).onMessageCreated(11);
        listeners.get(0).onMessageUpdated(11, edited);
        listeners.get(0).onMessagesDeleted(List.of(11L));
        lanes.runAll();
        assertThat(alice.raw()).doesNotContain("m-11");

        createRead.complete(Map.of(11L, byAlice(11, "first thoughts", null)));
        lanes.runAll();
        for (RecordingEmitter tab : List.of(alice, bob)) {
            String raw = tab.raw();
            int created = raw.indexOf("first thoughts");
            int change = raw.indexOf("event:message-change");
            int delete = raw.indexOf("hx-swap-oob=\"delete\"");
            assertThat(created).isPositive();
            assertThat(change).isGreaterThan(created);
            assertThat(raw.indexOf("second thoughts")).isGreaterThan(change);
            assertThat(delete).isGreaterThan(raw.indexOf("second thoughts"));
        }
        assertThat(alice.raw())
                .contains("hx-swap-oob=\"true\"")
                .contains(">edited<")
                .contains(">Edit<")
                .contains(">Delete<");
        assertThat(bob.raw()).contains(">edited<").doesNotContain(">Edit<").doesNotContain(">Delete<");
        // Changes carry no id: the browser's Last-Event-ID stays the last message's.
        assertThat(alice.messageIds()).containsExactly(11L);
    }

    /**
     * A tab that joins (or resumes) is replayed first; an edit or delete that comes meanwhile (here: while the
     * replay reads its window) waits behind the replay and its window.
     */
    @Test
    void changesDuringAReplayWaitForItAndItsWindow() {
        FakeMessages stored = new FakeMessages().upTo(12);
        MessageSource source = new MessageSource() {
            @Override
            public CompletableFuture<Map<Long, ChatMessage>> read(List<Long> ids, AccessTokenSource tokens) {
                return stored.read(ids, tokens);
            }

            @Override
            public List<ChatMessage> after(AccessTokenSource tokens, ChatRoom room, long afterId, int limit) {
                return stored.after(tokens, room, afterId, limit);
            }

            @Override
            public MessageStream.Window window(AccessTokenSource tokens, ChatRoom room, long upToId, int size) {
                // Bob deletes message 12 just now: the event is handled on the session's lane at once.
                listeners.get(0).onMessagesDeleted(List.of(12L));
                lanes.runAll();
                return new MessageStream.Window(
                        0,
                        upToId,
                        List.of(8L, 10L),
                        List.of(byAlice(
                                8, "edited while you were away", java.time.Instant.parse("2026-11-28T10:05:00Z"))));
            }
        };
        ChatSession session = session(source, Duration.ofMinutes(1));
        RecordingEmitter tab = new RecordingEmitter();
        session.attach(stream(tab, 10));
        lanes.runAll();

        String raw = tab.raw();
        assertThat(tab.messageIds()).containsExactly(11L, 12L);
        int window = raw.indexOf("event:message-window");
        assertThat(raw).contains("{\"low\":0,\"high\":10,\"ids\":[8,10]}");
        assertThat(raw.indexOf("edited while you were away")).isBetween(raw.indexOf("id:12"), window);
        assertThat(raw.indexOf("id=\"m-12\" hx-swap-oob=\"delete\"")).isGreaterThan(window);
    }
}
