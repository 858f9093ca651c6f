package com.directuschat.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import tools.jackson.databind.JsonNode;

/**
 * A client of Directus realtime as the seed tutorial writes one: handshake with a refresh token (keeping the
 * new one Directus returns), subscribe to {@code messages} {@code create} with a given field list, answer pings.
 * All readers share one {@link HttpClient}, so there is no thread per socket.
 */
final class DirectReader extends JsonFrameListener {

    /** The seed tutorial's subscription query (realtime-chat-directus-nextjs.md). */
    static final List<String> TUTORIAL_FIELDS = List.of("id", "content", "user_created.first_name");

    static final List<String> LEAN_FIELDS = List.of("id");

    final CompletableFuture<Void> subscribed = new CompletableFuture<>();
    private final Receipts receipts;
    private final List<String> fields;
    private volatile String refreshToken;
    private volatile WebSocket socket;
    private volatile boolean closedByUs;
    private volatile boolean ended;

    DirectReader(Receipts receipts, List<String> fields, String refreshToken) {
        this.receipts = receipts;
        this.fields = fields;
        this.refreshToken = refreshToken;
    }

    CompletableFuture<WebSocket> connect(HttpClient http, String directusUrl) {
        return http.newWebSocketBuilder()
                .buildAsync(URI.create(directusUrl.replaceFirst("^http", "ws") + "/websocket"), this)
                .whenComplete((ws, error) -> {
                    if (error != null) {
                        subscribed.completeExceptionally(error);
                    }
                });
    }

    /** The refresh token to use next time (Directus rotates it on every handshake). */
    String refreshToken() {
        return refreshToken;
    }

    boolean endedUnexpectedly() {
        return ended && !closedByUs;
    }

    void close() {
        closedByUs = true;
        if (socket != null) {
            socket.abort();
        }
    }

    @Override
    public void onOpen(WebSocket ws) {
        socket = ws;
        ws.sendText(JSON.writeValueAsString(Map.of("type", "auth", "refresh_token", refreshToken)), true);
        ws.request(1);
    }

    @Override
    void onMessage(WebSocket ws, String type, JsonNode frame, long receivedNanos) {
        switch (type) {
            case "auth" -> onAuth(ws, frame);
            case "subscription" -> {
                String event = frame.path("event").asString();
                if ("init".equals(event)) {
                    subscribed.complete(null);
                } else if ("create".equals(event)) {
                    frame.path("data")
                            .forEach(item -> receipts.arrived(item.path("id").asLong(), receivedNanos));
                }
            }
            case "subscribe" ->
                subscribed.completeExceptionally(new IllegalStateException("subscribe refused: " + frame));
            default -> {}
        }
    }

    private void onAuth(WebSocket ws, JsonNode frame) {
        if (!"ok".equals(frame.path("status").asString())) {
            subscribed.completeExceptionally(new IllegalStateException("auth refused: " + frame));
            return;
        }
        if (frame.hasNonNull("refresh_token")) {
            refreshToken = frame.path("refresh_token").asString();
        }
        if (!subscribed.isDone()) {
            ws.sendText(
                    JSON.writeValueAsString(Map.of(
                            "type",
                            "subscribe",
                            "collection",
                            "messages",
                            "event",
                            "create",
                            "query",
                            Map.of("fields", fields),
                            "uid",
                            "messages-subscription")),
                    true);
        }
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
        ended = true;
        subscribed.completeExceptionally(new IllegalStateException("closed " + statusCode + " " + reason));
        return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
        ended = true;
        subscribed.completeExceptionally(error);
    }
}
