package com.directuschat.directus;

/** Receives what one {@link RealtimeSession} sees. Called from the WebSocket's thread; do not block. */
public interface RealtimeListener {

    /** Subscribed and authenticated (first time, after a reconnect, or after a re-auth): time to backfill. */
    void onLive();

    void onMessageCreated(long id);

    void onStateChanged(RealtimeSession.State state);

    /** The login cannot be renewed (refresh token revoked or expired); the session will not reconnect. */
    void onAuthLost();
}
