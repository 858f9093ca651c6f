package com.directuschat.testsupport;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A Directus realtime client for tests: collects every JSON message, answers heartbeats. */
public final class WsClient implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final List<JsonNode> received = new CopyOnWriteArrayList<>();
    private final WebSocket socket;
    private volatile boolean closed;

    public WsClient(String httpUrl) {
        URI uri = URI.create(httpUrl.replaceFirst("^http", "ws") + "/websocket");
        try {
            socket = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .build()
                    .newWebSocketBuilder()
                    .connectTimeout(Duration.ofSeconds(10))
                    .buildAsync(uri, new Collector())
                    .get(15, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("WebSocket connect to " + uri + " failed: " + e, e);
        }
    }

    public void send(Object message) {
        socket.sendText(JSON.writeValueAsString(message), true).join();
    }

    public List<JsonNode> received() {
        return received;
    }

    public boolean isClosed() {
        return closed;
    }

    /** Received messages of a type, e.g. "auth" or "subscription". */
    public List<JsonNode> ofType(String type) {
        return received.stream()
                .filter(m -> type.equals(m.path("type").asString()))
                .toList();
    }

    @Override
    public void close() {
        if (!closed) {
            socket.abort();
        }
    }

    private final class Collector implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                JsonNode message = JSON.readTree(partial.toString());
                partial.setLength(0);
                received.add(message);
                if ("ping".equals(message.path("type").asString())) {
                    webSocket.sendText("{\"type\":\"pong\"}", true);
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed = true;
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed = true;
        }
    }
}
