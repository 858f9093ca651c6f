package com.directuschat.chat;

import static com.directuschat.chat.ChatTestSupport.fragments;
import static com.directuschat.chat.ChatTestSupport.message;
import static com.directuschat.chat.ChatTestSupport.properties;
import static org.assertj.core.api.Assertions.assertThat;

import com.directuschat.chat.ChatTestSupport.FakeMessages;
import com.directuschat.chat.ChatTestSupport.ManualExecutor;
import com.directuschat.chat.ChatTestSupport.RecordingEmitter;
import com.directuschat.directus.RealtimeListener;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.scheduling.concurrent.ConcurrentTaskScheduler;

/**
 * The ordering rules of messages delivered straight from a send on this chat (local fan-out) beside those that
 * come from Directus's events: each message once per tab, and a resume position that only Directus moves, so a
 * local message that runs ahead of a slower one from elsewhere never hides it. Lanes are stepped by hand.
 */
class LocalFanOutOrderTest {

    private final ManualExecutor lanes = new ManualExecutor();
    private final java.util.concurrent.ScheduledExecutorService timerThread =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
    private final List<RealtimeListener> listeners = new ArrayList<>();
    private final FakeMessages directus = new FakeMessages().upTo(100);

    @AfterEach
    void stopTimer() {
        timerThread.shutdownNow();
    }

    private ChatSession session() {
        return session(true);
    }

    /** A session whose login reads every room ({@code everyRoom}) or not, as Directus would say. */
    private ChatSession session(boolean everyRoom) {
        ChatSession session = new ChatSession(
                null,
                (tokens, listener) -> {
                    listeners.add(listener);
                    return () -> {};
                },
                directus,
                properties(Duration.ofMinutes(1)),
                lanes,
                Runnable::run,
                new ConcurrentTaskScheduler(timerThread),
                () -> {});
        session.checkAccess(tokens -> everyRoom);
        return session;
    }

    private MessageStream stream(RecordingEmitter emitter, long since) {
        return new MessageStream(
                emitter, since, ZoneOffset.UTC, fragments(), 256, lanes, Runnable::run, ChatTestSupport.metrics());
    }

    /** Bob's 101 is committed on another instance; its event is slow. Alice sends 102 here. */
    @Test
    void aLocalMessageAheadOfARemoteOneGoesOutAtOnceWithoutMovingThePosition() {
        ChatSession session = session();
        RecordingEmitter tab = new RecordingEmitter();
        session.attach(stream(tab, 100));
        lanes.runAll();
        directus.stored.put(101L, message(101));
        directus.stored.put(102L, message(102));

        session.localCreated(message(102));
        lanes.runAll();
        assertThat(tab.messageIds()).containsExactly(102L);
        assertThat(tab.positions()).as("102 is not confirmed by Directus yet").containsExactly(100L);

        listeners.get(0).onMessageCreated(101);
        listeners.get(0).onMessageCreated(102);
        lanes.runAll();
        assertThat(tab.messageIds())
                .as("each once; the page puts them in id order")
                .containsExactly(102L, 101L);
        assertThat(tab.positions())
                .as("Directus's confirmation of 102 moves the browser's Last-Event-ID, without the message again")
                .containsExactly(100L, 101L, 102L);

        session.heartbeat();
        lanes.runAll();
        assertThat(tab.positions()).as("nothing new to tell").containsExactly(100L, 101L, 102L);
    }

    /**
     * The tab reconnects after 30 local messages ran ahead of a remote one whose event never came: it resumes from
     * its position (100), so the remote 101 comes, and what the page shows is not sent again. Had the position
     * followed the highest id seen (130), the replay would start at 110 and 101 would be lost.
     */
    @Test
    void aReconnectBetweenALocalMessageAndASlowerRemoteOneStillGetsTheRemoteOne() {
        ChatSession session = session();
        RecordingEmitter tab = new RecordingEmitter();
        MessageStream first = stream(tab, 100);
        session.attach(first);
        lanes.runAll();
        directus.stored.put(101L, message(101));
        for (long id = 102; id <= 131; id++) {
            directus.stored.put(id, message(id));
            session.localCreated(message(id));
        }
        lanes.runAll();
        long position = first.position();
        assertThat(position).isEqualTo(100L);
        session.detach(first);

        RecordingEmitter again = new RecordingEmitter();
        MessageStream next = stream(again, position);
        next.shown(
                20,
                0,
                LongStream.rangeClosed(81, 131).filter(id -> id != 101).boxed().toList());
        session.attach(next);
        lanes.runAll();

        assertThat(again.messageIds()).containsExactly(101L);
        assertThat(next.position()).isEqualTo(131L);
    }

    /**
     * A publish from another instance is lost: the tab gets the message from Directus's event, once; and a change
     * that came both ways (published, then Directus's event) is sent once.
     */
    @Test
    void aLostPublishCostsOnlyLatencyAndADoublyDeliveredOneGoesOutOnce() {
        ChatSession session = session();
        RecordingEmitter tab = new RecordingEmitter();
        session.attach(stream(tab, 100));
        lanes.runAll();
        directus.stored.put(101L, message(101));
        directus.stored.put(102L, message(102));

        listeners.get(0).onMessageCreated(101); // its publish was lost
        lanes.runAll();
        session.localCreated(message(102)); // published and received
        listeners.get(0).onMessageCreated(102);
        lanes.runAll();

        assertThat(tab.messageIds()).containsExactly(101L, 102L);
        assertThat(tab.positions()).containsExactly(101L, 101L, 102L);
    }

    /** A login that may not read every room gets nothing straight from sends: Directus decides what it reads. */
    @Test
    void aLoginWithPartialReadAccessWaitsForDirectus() {
        ChatSession session = session(false);
        RecordingEmitter tab = new RecordingEmitter();
        session.attach(stream(tab, 100));
        lanes.runAll();
        directus.stored.put(101L, message(101));

        session.localCreated(message(101));
        lanes.runAll();
        assertThat(tab.messageIds()).isEmpty();

        listeners.get(0).onMessageCreated(101);
        lanes.runAll();
        assertThat(tab.messageIds()).containsExactly(101L);
    }
}
