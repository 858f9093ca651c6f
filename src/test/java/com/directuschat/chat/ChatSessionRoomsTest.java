package com.directuschat.chat;

import static com.directuschat.chat.ChatTestSupport.fragments;
import static com.directuschat.chat.ChatTestSupport.properties;
import static org.assertj.core.api.Assertions.assertThat;

import com.directuschat.chat.ChatTestSupport.FakeMessages;
import com.directuschat.chat.ChatTestSupport.ManualExecutor;
import com.directuschat.chat.ChatTestSupport.RecordingEmitter;
import com.directuschat.directus.ChatMessage;
import com.directuschat.directus.ChatRoom;
import com.directuschat.directus.RealtimeListener;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.concurrent.ConcurrentTaskScheduler;

/** A login's tabs in rooms: each tab gets its room's messages; the others count as unread, live. */
class ChatSessionRoomsTest {

    private static final ChatRoom GENERAL = new ChatRoom(1, "general", "General", null, true);
    private static final ChatRoom DEV = new ChatRoom(2, "dev", "Dev", null, false);

    private final ManualExecutor lanes = new ManualExecutor();
    private final ScheduledExecutorService timerThread = Executors.newSingleThreadScheduledExecutor();
    private final TaskScheduler timer = new ConcurrentTaskScheduler(timerThread);
    private final List<RealtimeListener> listeners = new ArrayList<>();
    private final List<String> saved = new ArrayList<>();
    private final FakeMessages directus = new FakeMessages();

    @AfterEach
    void stopTimer() {
        timerThread.shutdownNow();
    }

    private ChatSession session() {
        RoomDirectory rooms = new RoomDirectory() {
            @Override
            public long roomOf(ChatMessage message) {
                return message.room() == null ? GENERAL.id() : message.room();
            }

            @Override
            public String roomList(Map<Long, Integer> unread, Map<Long, Integer> mentions, ChatRoom current) {
                return "unread " + new java.util.TreeMap<>(unread) + " in " + current.slug()
                        + (mentions.isEmpty() ? "" : " mentions " + new java.util.TreeMap<>(mentions));
            }
        };
        Unread unread = new Unread((room, id) -> saved.add(room + "@" + id), Duration.ofHours(1), Runnable::run, timer);
        return new ChatSession(
                null,
                new Reader("alice-id", unread, rooms),
                (tokens, listener) -> {
                    listeners.add(listener);
                    return () -> {};
                },
                directus,
                properties(Duration.ofMinutes(1)),
                lanes,
                Runnable::run,
                timer,
                () -> {});
    }

    private MessageStream tab(ChatRoom room, RecordingEmitter emitter, long since) {
        return new MessageStream(
                room,
                emitter,
                since,
                ZoneOffset.UTC,
                fragments(),
                256,
                lanes,
                Runnable::run,
                ChatTestSupport.metrics());
    }

    private void stored(long id, Long room, String authorId) {
        stored(id, room, authorId, "message " + id);
    }

    private void stored(long id, Long room, String authorId, String content) {
        directus.stored.put(
                id,
                new ChatMessage(
                        id, content, Instant.parse("2026-11-28T10:00:00Z"), authorId, "Some", "One", room, null));
    }

    @Test
    void messagesMentioningTheUserElsewhereCountAsMentionsLiveAndClearWhenTheRoomIsOpened() {
        ChatSession session = session();
        RecordingEmitter inGeneral = new RecordingEmitter();
        session.attach(tab(GENERAL, inGeneral, 0));
        lanes.runAll();

        stored(1, DEV.id(), "bob-id", "hi <@alice-id>");
        stored(2, DEV.id(), "bob-id", "hi <@alice-id2> and <@carol-id>");
        stored(3, DEV.id(), "bob-id", "again <@alice-id>");
        stored(4, GENERAL.id(), "bob-id", "here <@alice-id>"); // shown: read, never counted
        for (long id = 1; id <= 4; id++) {
            listeners.get(0).onMessageCreated(id);
        }
        lanes.runAll();
        assertThat(inGeneral.raw()).contains("unread {2=3} in general mentions {2=2}");

        session.unreadFromDirectus(Map.of(), Map.of(), Map.of(), DEV, 4);
        lanes.runAll();
        assertThat(inGeneral.raw()).endsWith("unread {} in general\n\n");
    }

    @Test
    void aTabGetsOnlyItsRoomAndMessagesByOthersElsewhereCountAsUnreadLive() {
        ChatSession session = session();
        RecordingEmitter inGeneral = new RecordingEmitter();
        RecordingEmitter inDev = new RecordingEmitter();
        session.attach(tab(GENERAL, inGeneral, 0));
        lanes.runAll();

        stored(1, null, "bob-id"); // no room: general's
        stored(2, DEV.id(), "bob-id");
        stored(3, DEV.id(), "alice-id"); // her own: never unread
        stored(4, GENERAL.id(), "bob-id");
        for (long id = 1; id <= 4; id++) {
            listeners.get(0).onMessageCreated(id);
        }
        lanes.runAll();

        assertThat(inGeneral.messageIds()).containsExactly(1L, 4L);
        assertThat(inGeneral.raw()).contains("unread {2=1} in general").doesNotContain("unread {2=2}");
        assertThat(session.unreadCounts()).containsExactly(Map.entry(2L, 1));

        // A tab opens dev: it replays dev only, and messages there no longer count.
        session.unreadFromDirectus(Map.of(), Map.of(), DEV, 3);
        session.attach(tab(DEV, inDev, 0));
        lanes.runAll();
        assertThat(inDev.messageIds()).containsExactly(2L, 3L);
        stored(5, DEV.id(), "bob-id");
        listeners.get(0).onMessageCreated(5);
        lanes.runAll();
        assertThat(inDev.messageIds()).containsExactly(2L, 3L, 5L);
        assertThat(inGeneral.messageIds()).containsExactly(1L, 4L);
        assertThat(session.unreadCounts()).isEmpty();

        // Positions are written when the last tab closes (or after the save delay): dev was read up to 5.
        session.detach(tab(GENERAL, new RecordingEmitter(), 0));
        session.streams().forEach(session::detach);
        assertThat(saved).contains("2@5");
    }

    @Test
    void aMessageAlreadyReadElsewhereDoesNotCountAgain() {
        ChatSession session = session();
        RecordingEmitter inGeneral = new RecordingEmitter();
        session.attach(tab(GENERAL, inGeneral, 0));
        lanes.runAll();
        // Another device read dev up to 7 (the page told us so).
        session.unreadFromDirectus(Map.of(), Map.of(DEV.id(), 7L), GENERAL, 0);
        stored(6, DEV.id(), "bob-id");
        stored(8, DEV.id(), "bob-id");
        listeners.get(0).onMessageCreated(6);
        listeners.get(0).onMessageCreated(8);
        lanes.runAll();
        assertThat(session.unreadCounts()).containsExactly(Map.entry(2L, 1));
    }

    /** After an htmx switch the page's stream in the old room is gone, though its connection may not say so yet. */
    @Test
    void aPagesNewStreamReplacesItsStreamInTheRoomItLeft() {
        ChatSession session = session();
        RecordingEmitter left = new RecordingEmitter();
        RecordingEmitter now = new RecordingEmitter();
        RecordingEmitter otherTab = new RecordingEmitter();
        session.attach(tab(GENERAL, left, 0).fromPage("page-1"));
        session.attach(tab(DEV, otherTab, 0).fromPage("page-2"));
        session.attach(tab(DEV, now, 0).fromPage("page-1"));
        lanes.runAll();
        assertThat(left.completed).isTrue();
        assertThat(otherTab.completed).isFalse();

        stored(9, GENERAL.id(), "bob-id");
        listeners.get(0).onMessageCreated(9);
        lanes.runAll();
        assertThat(left.messageIds()).doesNotContain(9L);
        assertThat(session.unreadCounts()).containsExactly(Map.entry(1L, 1));
        assertThat(session.streams()).hasSize(2);
    }
}
