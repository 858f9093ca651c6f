package com.directuschat.directus;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Directus realtime frames we use, as typed records: frames in are parsed by {@link #parse(String)},
 * frames out are written by the static writers. Pure: no I/O, no state.
 */
final class RealtimeProtocol {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    // Ids only: joining the author makes Directus spend ~2.4x the CPU per subscriber per message.
    private static final Map<String, Object> SUBSCRIPTION_QUERY = Map.of("fields", List.of("id"));

    /** A frame from Directus. */
    sealed interface Inbound {
    }

    record AuthOk() implements Inbound {
    }

    /** {@code code} is Directus's error code, e.g. {@code TOKEN_EXPIRED}; may be null. */
    record AuthRefused(String code) implements Inbound {
    }

    /** The subscription {@code uid} is live ({@code event: init}). */
    record Subscribed(String uid) implements Inbound {
    }

    /** Items created; {@code ids} holds the readable ids, {@code unreadable} counts the items without one. */
    record Created(String uid, List<Long> ids, int unreadable) implements Inbound {
    }

    record SubscribeRefused(String uid, String code) implements Inbound {
    }

    /** Directus's heartbeat: answer with {@link #pong()}. */
    record Ping() implements Inbound {
    }

    /** The answer to our {@link #ping(String)}. */
    record Pong(String uid) implements Inbound {
    }

    /** Any other frame with {@code status: error}. */
    record Error(String type, String code, String message) implements Inbound {
    }

    /** Valid JSON we have no use for (other subscription events, other types). */
    record Other(String type) implements Inbound {
    }

    /** Not a JSON object. */
    record Unreadable() implements Inbound {
    }

    private RealtimeProtocol() {
    }

    static Inbound parse(String text) {
        JsonNode frame;
        try {
            frame = JSON.readTree(text);
        }
        catch (JacksonException e) {
            return new Unreadable();
        }
        if (frame == null || !frame.isObject()) {
            return new Unreadable();
        }
        String type = Json.text(frame, "type");
        boolean error = "error".equals(Json.text(frame, "status"));
        String code = Json.text(frame.path("error"), "code");
        String uid = Json.text(frame, "uid");
        if (type == null) {
            type = "";
        }
        return switch (type) {
            case "auth" -> error ? new AuthRefused(code) : new AuthOk();
            case "ping" -> new Ping();
            case "pong" -> new Pong(uid);
            case "subscribe" -> error ? new SubscribeRefused(uid, code) : new Other(type);
            case "subscription" -> subscription(frame, uid);
            default -> error ? new Error(type, code, Json.text(frame.path("error"), "message")) : new Other(type);
        };
    }

    private static Inbound subscription(JsonNode frame, String uid) {
        String event = Json.text(frame, "event");
        if ("init".equals(event)) {
            return new Subscribed(uid);
        }
        if (!"create".equals(event)) {
            return new Other("subscription");
        }
        List<Long> ids = new ArrayList<>();
        int unreadable = 0;
        for (JsonNode item : frame.path("data")) {
            try {
                ids.add(Json.id(item));
            }
            catch (RuntimeException e) {
                unreadable++;
            }
        }
        return new Created(uid, List.copyOf(ids), unreadable);
    }

    static String auth(String accessToken) {
        return write(Map.of("type", "auth", "access_token", accessToken));
    }

    static String subscribe(String uid) {
        return write(Map.of("type", "subscribe", "collection", "messages", "event", "create",
                "query", SUBSCRIPTION_QUERY, "uid", uid));
    }

    static String ping(String uid) {
        return write(Map.of("type", "ping", "uid", uid));
    }

    static String pong() {
        return write(Map.of("type", "pong"));
    }

    private static String write(Map<String, Object> frame) {
        return JSON.writeValueAsString(frame);
    }
}
