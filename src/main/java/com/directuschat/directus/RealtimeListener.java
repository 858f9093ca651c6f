package com.directuschat.directus;

import java.time.Instant;
import java.util.List;
import org.springframework.modulith.NamedInterface;

/** Receives what one {@link RealtimeSession} sees. Called from the WebSocket's thread; do not block. */
@NamedInterface("realtime")
public interface RealtimeListener {

    /** Authenticated and subscribed (first time, after a reconnect, after a re-auth): time to backfill. */
    void onLive();

    /** One call per item of a create event; ids may arrive as numbers or strings. */
    void onMessageCreated(long id);

    /**
     * One call per item of an update event. {@code updatedAt} is the item's {@code date_updated} as Directus read
     * it for this user (its version), or null when unknown.
     */
    default void onMessageUpdated(long id, Instant updatedAt) {}

    /** One call per delete event, with the deleted ids (Directus sends them as numbers or strings). */
    default void onMessagesDeleted(List<Long> ids) {}

    void onStateChanged(RealtimeSession.State state);

    /** The login cannot be renewed (refresh token revoked or expired); the session will not reconnect. */
    void onAuthLost();
}
