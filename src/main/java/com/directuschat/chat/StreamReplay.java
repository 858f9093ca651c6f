package com.directuschat.chat;

import com.directuschat.directus.ChatMessage;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.LongFunction;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Runs one stream's replays on its writer lane, at the tab's own pace and outside the stream's lock, so a long
 * replay neither fills the bounded queue nor blocks whoever delivers live events; those wait in the
 * {@link ReplayHold} meanwhile.
 */
final class StreamReplay {

    /** Its lock guards the hold and the lane's state. */
    private final MessageStream stream;

    private final WriterLane lane;
    private final ReplayHold hold;
    private final ChatMetrics metrics;

    StreamReplay(MessageStream stream, WriterLane lane, ReplayHold hold, ChatMetrics metrics) {
        this.stream = stream;
        this.lane = lane;
        this.hold = hold;
        this.metrics = metrics;
    }

    /** See {@link MessageStream#replay(LongFunction, int, int, LongFunction)}. */
    void run(
            LongFunction<List<ChatMessage>> messagesAfter,
            int overlap,
            int pageSize,
            LongFunction<MessageStream.Window> window) {
        lane.run(() -> {
            try {
                long from;
                synchronized (stream) {
                    if (lane.closed()) {
                        return;
                    }
                    from = stream.position();
                }
                if (replayPages(messagesAfter, Math.max(0, from - overlap), pageSize)) {
                    MessageStream.Window present = window.apply(from);
                    if (present != null) {
                        sendWindow(present);
                    }
                }
            } finally {
                releaseHeld();
            }
        });
    }

    /**
     * Reads and sends page after page, each after the last id of the one before, until a page is not full: a tab
     * further behind than one page gets the rest too. False when the tab is gone.
     */
    private boolean replayPages(LongFunction<List<ChatMessage>> messagesAfter, long after, int pageSize) {
        while (true) {
            TreeMap<Long, ChatMessage> page = new TreeMap<>();
            messagesAfter.apply(after).forEach(m -> page.put(m.id(), m));
            if (!sendInOrder(page, Set.copyOf(page.keySet()), true)) {
                return false;
            }
            if (page.size() < pageSize) {
                return true;
            }
            after = page.lastKey();
        }
    }

    private void sendWindow(MessageStream.Window window) {
        String viewer;
        synchronized (stream) {
            if (lane.closed()) {
                return;
            }
            viewer = stream.viewer();
        }
        for (ChatMessage edited : window.edited()) {
            if (!lane.send(stream.changed(edited, viewer))) {
                return;
            }
        }
        lane.send(StreamEvents.named("message-window", window.json()));
    }

    /**
     * {@code confirmed}: the ids Directus confirmed (all of a replay's page; held ones whose event came);
     * {@code replayed}: read from Directus by a replay, not held back live ones. False when the tab is gone.
     */
    private boolean sendInOrder(SortedMap<Long, ChatMessage> messages, Set<Long> confirmed, boolean replayed) {
        for (ChatMessage message : messages.values()) {
            SseEmitter.SseEventBuilder event;
            synchronized (stream) {
                if (lane.closed()) {
                    return false;
                }
                event = stream.claim(message, confirmed.contains(message.id()));
            }
            if (event == null) {
                continue;
            }
            if (replayed) {
                metrics.backfilled();
            }
            if (!lane.send(event)) {
                return false;
            }
        }
        synchronized (stream) {
            return !lane.closed();
        }
    }

    /**
     * The last replay is done: live events held meanwhile go out, in id order, minus what the replay sent; then
     * the edits and deletes held meanwhile, in the order they came. (An edit or delete of a held message thus
     * follows the message itself.)
     */
    private void releaseHeld() {
        ReplayHold.Released released;
        synchronized (stream) {
            released = hold.release();
        }
        sendInOrder(released.messages(), released.confirmed(), false);
        for (SseEmitter.SseEventBuilder change : released.changes()) {
            if (!lane.send(change)) {
                return;
            }
        }
    }
}
