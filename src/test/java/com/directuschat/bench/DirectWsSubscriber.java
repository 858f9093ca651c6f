package com.directuschat.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;

/** The baseline's reader: a client subscribed to Directus directly, noting when each message arrives. */
final class DirectWsSubscriber extends JsonFrameListener implements AutoCloseable {

    private final Map<String, Long> arrivals = new ConcurrentHashMap<>();
    private final CountDownLatch subscribed = new CountDownLatch(1);
    private final WebSocket socket;
    private final String token;

    DirectWsSubscriber(HttpClient http, String directusUrl, String token) throws Exception {
        this.token = token;
        this.socket = http.newWebSocketBuilder()
                .buildAsync(URI.create(directusUrl.replaceFirst("^http", "ws") + "/websocket"), this)
                .get(10, TimeUnit.SECONDS);
        if (!subscribed.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("no subscription");
        }
    }

    @Override
    public void onOpen(WebSocket ws) {
        ws.sendText(JSON.writeValueAsString(Map.of("type", "auth", "access_token", token)), true);
        ws.request(1);
    }

    @Override
    void onMessage(WebSocket ws, String type, JsonNode frame, long receivedNanos) {
        if ("auth".equals(type)) {
            ws.sendText(
                    JSON.writeValueAsString(Map.of(
                            "type",
                            "subscribe",
                            "collection",
                            "messages",
                            "event",
                            "create",
                            "query",
                            Map.of("fields", new String[] {
                                "id", "content", "date_created", "user_created.first_name", "user_created.last_name"
                            }),
                            "uid",
                            "bench")),
                    true);
        } else if ("subscription".equals(type)
                && "init".equals(frame.path("event").asString())) {
            subscribed.countDown();
        } else if ("subscription".equals(type)) {
            frame.path("data").forEach(item -> arrivals.put(item.path("content").asString(), receivedNanos));
        }
    }

    Long arrival(String content) {
        return arrivals.get(content);
    }

    @Override
    public void close() {
        socket.abort();
    }
}
