package com.directuschat.directus;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A {@link RealtimeConnection} on the JDK's WebSocket client. The {@link HttpClient} is shared by all
 * connections (one selector thread), so there is no thread per connection.
 */
final class JdkRealtimeConnection implements RealtimeConnection {

    private final Listener listener;
    private final AtomicBoolean closed = new AtomicBoolean();
    private WebSocket socket;
    // The JDK allows one outstanding send per socket: each send waits for the previous one.
    private CompletableFuture<?> sendChain = CompletableFuture.completedFuture(null);

    private JdkRealtimeConnection(Listener listener) {
        this.listener = listener;
    }

    static Opener opener(HttpClient http, URI url, Duration connectTimeout) {
        return listener -> {
            JdkRealtimeConnection connection = new JdkRealtimeConnection(listener);
            return http.newWebSocketBuilder()
                    .connectTimeout(connectTimeout)
                    .buildAsync(url, connection.new Frames())
                    .thenApply(ws -> connection);
        };
    }

    private synchronized void opened(WebSocket ws) {
        socket = ws;
    }

    @Override
    public synchronized void send(String text) {
        WebSocket ws = socket;
        sendChain = sendChain
                .handle((ok, error) -> null)
                .thenCompose(ignored -> ws.sendText(text, true))
                .whenComplete((ok, error) -> {
                    if (error != null) {
                        ws.abort();
                        closed("send failed: " + error);
                    }
                });
    }

    @Override
    public synchronized void close() {
        WebSocket ws = socket;
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "session ended")
                .orTimeout(2, TimeUnit.SECONDS)
                .whenComplete((ok, error) -> ws.abort());
    }

    @Override
    public synchronized void abort() {
        socket.abort();
    }

    private void closed(String why) {
        if (closed.compareAndSet(false, true)) {
            listener.onClosed(this, why);
        }
    }

    /** Reassembles partial text frames and hands whole messages on. */
    private final class Frames implements WebSocket.Listener {

        private final StringBuilder partial = new StringBuilder();

        @Override
        public void onOpen(WebSocket ws) {
            // Before buildAsync completes: a frame may already be on its way.
            opened(ws);
            ws.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            if (last && partial.isEmpty()) {
                // The usual whole frame: no copy, and the builder keeps no capacity from a large one.
                deliver(data.toString());
            } else {
                partial.append(data);
                if (last) {
                    String text = partial.toString();
                    partial.setLength(0);
                    partial.trimToSize();
                    deliver(text);
                }
            }
            ws.request(1);
            return null;
        }

        private void deliver(String text) {
            if (!closed.get()) {
                listener.onText(JdkRealtimeConnection.this, text);
            }
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed("closed by Directus: " + statusCode + " " + reason);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed("error: " + error);
        }
    }
}
