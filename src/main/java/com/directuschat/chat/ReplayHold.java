package com.directuschat.chat;

import com.directuschat.directus.ChatMessage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Live events held back while a stream replays, so they cannot move the replay's starting point; bounded like the
 * queue. Not thread-safe: its {@link MessageStream} guards it with its own lock.
 */
final class ReplayHold {

    private final int capacity;
    private final TreeMap<Long, ChatMessage> held = new TreeMap<>();
    /** The held ids Directus confirmed (its event came), as opposed to those delivered straight from a send. */
    private final java.util.Set<Long> confirmed = new java.util.HashSet<>();
    /** Edits and deletes that came during a replay, in event order: they go out after the held messages. */
    private final List<SseEmitter.SseEventBuilder> heldChanges = new ArrayList<>();

    private int backfills;

    ReplayHold(int capacity) {
        this.capacity = capacity;
    }

    /** One more replay is coming. */
    void hold() {
        backfills++;
    }

    /** Whether a replay is pending or running, so live events must wait. */
    boolean holding() {
        return backfills > 0;
    }

    /** Holds a live message until the replay is done; false when the hold is full. */
    boolean message(ChatMessage message, boolean confirmedByDirectus) {
        if (!held.containsKey(message.id()) && held.size() >= capacity) {
            return false;
        }
        held.put(message.id(), message);
        if (confirmedByDirectus) {
            confirmed.add(message.id());
        }
        return true;
    }

    /** Holds an edit or delete until the replay is done; false when the hold is full. */
    boolean change(SseEmitter.SseEventBuilder event) {
        if (held.size() + heldChanges.size() >= capacity) {
            return false;
        }
        heldChanges.add(event);
        return true;
    }

    /** Deleted messages that are still held need not go out at all. */
    void forget(List<Long> ids) {
        held.keySet().removeAll(ids);
    }

    void clear() {
        held.clear();
        confirmed.clear();
        heldChanges.clear();
    }

    /**
     * One replay is done. If it was the last, hands over (and forgets) what was held: the messages in id order,
     * then the changes in the order they came; otherwise nothing.
     */
    Released release() {
        if (--backfills != 0) {
            return Released.NONE;
        }
        Released released =
                new Released(new TreeMap<>(held), java.util.Set.copyOf(confirmed), List.copyOf(heldChanges));
        clear();
        return released;
    }

    /** What a finished replay lets go: messages in id order, then the changes in the order they came. */
    record Released(
            SortedMap<Long, ChatMessage> messages,
            java.util.Set<Long> confirmed,
            List<SseEmitter.SseEventBuilder> changes) {

        static final Released NONE = new Released(Collections.emptySortedMap(), java.util.Set.of(), List.of());
    }
}
