package com.directuschat.bench;

import java.net.http.WebSocket;
import java.util.concurrent.CompletionStage;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A Directus realtime listener: joins text frames into JSON messages, notes their arrival, answers pings. */
abstract class JsonFrameListener implements WebSocket.Listener {

    static final JsonMapper JSON = JsonMapper.builder().build();

    private final StringBuilder partial = new StringBuilder();

    /** One whole message other than a ping; {@code receivedNanos} is when its last frame arrived. */
    abstract void onMessage(WebSocket ws, String type, JsonNode message, long receivedNanos);

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            long now = System.nanoTime();
            JsonNode message = JSON.readTree(partial.toString());
            partial.setLength(0);
            String type = message.path("type").asString();
            if ("ping".equals(type)) {
                ws.sendText("{\"type\":\"pong\"}", true);
            } else {
                onMessage(ws, type, message, now);
            }
        }
        ws.request(1);
        return null;
    }
}
