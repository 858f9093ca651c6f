package com.directuschat.chat;

import com.directuschat.directus.ChatMessage;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Changes made through this chat reach its tabs at once: a sent message is rendered and delivered to this
 * instance's tabs when Directus's create answers, not after Directus has re-read it for every subscriber; edits
 * and deletes likewise. With Redis, the other instances get the change too ({@link FanOutRelay}). Directus's own
 * events stay the catch-all and the source of truth: for a change delivered here they only confirm it (and move
 * the tabs' resume positions, see {@link SentIds}); a lost publish costs latency, never a message.
 * <p>
 * Only logins that may read every room get a message this way ({@link ChatSession#checkAccess}); the others wait
 * for Directus, which decides what they may read.
 */
@Component
class LocalFanOut {

    private final ChatSessions sessions;
    private final MessageCache cache;
    private final FanOutRelay relay;

    LocalFanOut(ChatSessions sessions, MessageCache cache, FanOutRelay relay) {
        this.sessions = sessions;
        this.cache = cache;
        this.relay = relay;
        relay.onRemote(new FanOutRelay.Receiver() {
            @Override
            public void created(ChatMessage message) {
                cache.put(message);
                deliverCreated(message);
            }

            @Override
            public void updated(ChatMessage message) {
                cache.putIfNewer(message);
                deliverUpdated(message);
            }

            @Override
            public void deleted(List<Long> ids) {
                cache.deleted(ids);
                deliverDeleted(ids);
            }
        });
    }

    /** A message this instance created (its create answered). */
    void created(ChatMessage message) {
        deliverCreated(message);
        relay.created(message);
    }

    /** A message this instance edited (its update answered). */
    void updated(ChatMessage message) {
        deliverUpdated(message);
        relay.updated(message);
    }

    /** Messages this instance deleted. */
    void deleted(List<Long> ids) {
        deliverDeleted(ids);
        relay.deleted(ids);
    }

    private void deliverCreated(ChatMessage message) {
        int[] reached = {0};
        sessions.each(session -> {
            if (session.localCreated(message)) {
                reached[0]++;
            }
        });
        sessions.metrics().fannedOut(reached[0]);
    }

    private void deliverUpdated(ChatMessage message) {
        sessions.each(session -> session.localUpdated(message));
    }

    private void deliverDeleted(List<Long> ids) {
        sessions.each(session -> session.localDeleted(ids));
    }
}
