package com.directuschat.directus;

/** Receives what one {@link RealtimeSession} sees. Called from the WebSocket's thread; do not block. */
public interface RealtimeListener {

    /** Authenticated and subscribed (first time, after a reconnect, after a re-auth): time to backfill. */
    void onLive();

    /** One call per item of a create event; ids may arrive as numbers or strings. */
    void onMessageCreated(long id);

    void onStateChanged(RealtimeSession.State state);

    /** The login cannot be renewed (refresh token revoked or expired); the session will not reconnect. */
    void onAuthLost();
}
