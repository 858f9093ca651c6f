package com.directuschat.directus;

import java.util.concurrent.CompletableFuture;

/** One open realtime socket, as the supervision sees it: whole text messages in and out, in order. */
interface RealtimeConnection {

    /** Queues a text message; messages go out in the order sent. Failures surface as {@link Listener#onClosed}. */
    void send(String text);

    /** Closes politely (close frame), then drops the socket. */
    void close();

    /** Drops the socket at once, without a close handshake. */
    void abort();

    /** Callbacks of one connection; may run on any thread, one at a time per connection. */
    interface Listener {

        void onText(RealtimeConnection connection, String text);

        /** Closed by the peer, or failed; called at most once. */
        void onClosed(RealtimeConnection connection, String why);
    }

    /** Opens connections to Directus. */
    interface Opener {

        CompletableFuture<RealtimeConnection> open(Listener listener);
    }
}
