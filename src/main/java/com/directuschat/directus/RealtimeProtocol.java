package com.directuschat.directus;

import java.time.Instant;
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
    // Updates carry their version too (plain columns, no join), so that a cache can tell a copy it has from one
    // it needs. Deletes need no query: Directus sends the deleted keys without reading anything.
    private static final Map<String, Object> UPDATE_QUERY = Map.of("fields", List.of("id", "date_updated"));
    /** Suffixes of the update and delete subscriptions' uids; the create subscription has the base uid. */
    static final String UPDATES = ".update";
    static final String DELETES = ".delete";

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

    /** Items updated: each readable id with its {@code date_updated} (null when unreadable or unset). */
    record Updated(String uid, List<Version> items, int unreadable) implements Inbound {
    }

    /** Items deleted: Directus sends the keys themselves, as numbers or as strings (from a URL path). */
    record Deleted(String uid, List<Long> ids, int unreadable) implements Inbound {
    }

    /** An updated item's id and its {@code date_updated}. */
    record Version(long id, Instant updatedAt) {
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
        if ("update".equals(event)) {
            return updated(frame, uid);
        }
        if ("delete".equals(event)) {
            return deleted(frame, uid);
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

    private static Updated updated(JsonNode frame, String uid) {
        List<Version> items = new ArrayList<>();
        int unreadable = 0;
        for (JsonNode item : frame.path("data")) {
            try {
                Instant updatedAt;
                try {
                    updatedAt = Json.instant(Json.text(item, "date_updated"));
                }
                catch (RuntimeException e) {
                    updatedAt = null;
                }
                items.add(new Version(Json.id(item), updatedAt));
            }
            catch (RuntimeException e) {
                unreadable++;
            }
        }
        return new Updated(uid, List.copyOf(items), unreadable);
    }

    /** {@code data} is a list of keys, e.g. {@code ["12","13"]} or {@code [12]}; an object with an id is taken too. */
    private static Deleted deleted(JsonNode frame, String uid) {
        List<Long> ids = new ArrayList<>();
        int unreadable = 0;
        JsonNode data = frame.path("data");
        Iterable<JsonNode> keys = data.isArray() ? data : data.isMissingNode() || data.isNull() ? List.of() : List.of(data);
        for (JsonNode key : keys) {
            try {
                Long id = Json.optionalId(key);
                if (id == null) {
                    throw new IllegalArgumentException("no key");
                }
                ids.add(id);
            }
            catch (RuntimeException e) {
                unreadable++;
            }
        }
        return new Deleted(uid, List.copyOf(ids), unreadable);
    }

    static String auth(String accessToken) {
        return write(Map.of("type", "auth", "access_token", accessToken));
    }

    static String subscribe(String uid) {
        return write(Map.of("type", "subscribe", "collection", "messages", "event", "create",
                "query", SUBSCRIPTION_QUERY, "uid", uid));
    }

    /** Updates of messages, with their version; under {@code uid + UPDATES}. */
    static String subscribeUpdates(String uid) {
        return write(Map.of("type", "subscribe", "collection", "messages", "event", "update",
                "query", UPDATE_QUERY, "uid", uid + UPDATES));
    }

    /** Deletes of messages (their keys); under {@code uid + DELETES}. */
    static String subscribeDeletes(String uid) {
        return write(Map.of("type", "subscribe", "collection", "messages", "event", "delete", "uid", uid + DELETES));
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
