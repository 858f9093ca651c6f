package com.directuschat.directus;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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

    private static final JsonMapper JSON = DirectusJson.MAPPER;
    // Ids only: joining the author makes Directus spend ~2.4x the CPU per subscriber per message.
    private static final Map<String, Object> SUBSCRIPTION_QUERY = Map.of("fields", List.of("id"));
    // Updates carry their version too (plain columns, no join), so that a cache can tell a copy it has from one
    // it needs. Deletes need no query: Directus sends the deleted keys without reading anything.
    private static final Map<String, Object> UPDATE_QUERY = Map.of("fields", List.of("id", "date_updated"));
    /** Suffixes of the update and delete subscriptions' uids; the create subscription has the base uid. */
    static final String UPDATES = ".update";

    static final String DELETES = ".delete";

    /** A frame from Directus. */
    sealed interface Inbound {}

    record AuthOk() implements Inbound {}

    /** {@code code} is Directus's error code, e.g. {@code TOKEN_EXPIRED}; may be null. */
    record AuthRefused(String code) implements Inbound {}

    /** The subscription {@code uid} is live ({@code event: init}). */
    record Subscribed(String uid) implements Inbound {}

    /** Items created; {@code ids} holds the readable ids, {@code unreadable} counts the items without one. */
    record Created(String uid, List<Long> ids, int unreadable) implements Inbound {}

    /** Items updated: each readable id with its {@code date_updated} (null when unreadable or unset). */
    record Updated(String uid, List<Version> items, int unreadable) implements Inbound {}

    /** Items deleted: Directus sends the keys themselves, as numbers or as strings (from a URL path). */
    record Deleted(String uid, List<Long> ids, int unreadable) implements Inbound {}

    /** An updated item's id and its {@code date_updated}. */
    record Version(long id, Instant updatedAt) {}

    record SubscribeRefused(String uid, String code) implements Inbound {}

    /** Directus's heartbeat: answer with {@link #pong()}. */
    record Ping() implements Inbound {}

    /** The answer to our {@link #ping(String)}. */
    record Pong(String uid) implements Inbound {}

    /** Any other frame with {@code status: error}. */
    record Error(String type, String code, String message) implements Inbound {}

    /** Valid JSON we have no use for (other subscription events, other types). */
    record Other(String type) implements Inbound {}

    /** Not a JSON object. */
    record Unreadable() implements Inbound {}

    private RealtimeProtocol() {}

    /** Any frame, as Directus sends it; {@code data} differs by event, so it stays a tree until the event is known. */
    private record Frame(String type, String status, String uid, String event, FrameError error, JsonNode data) {}

    /** Directus's {@code error}: an object with a code, or (from some code paths) just a message. */
    private record FrameError(String code, String message) {

        @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
        FrameError {}

        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        static FrameError of(String message) {
            return new FrameError(null, message);
        }
    }

    static Inbound parse(String text) {
        Frame frame;
        try {
            frame = JSON.readValue(text, Frame.class);
        } catch (JacksonException e) {
            return new Unreadable();
        }
        if (frame == null) {
            return new Unreadable();
        }
        boolean error = "error".equals(frame.status());
        String code = frame.error() == null ? null : frame.error().code();
        String type = frame.type() == null ? "" : frame.type();
        return switch (type) {
            case "auth" -> error ? new AuthRefused(code) : new AuthOk();
            case "ping" -> new Ping();
            case "pong" -> new Pong(frame.uid());
            case "subscribe" -> error ? new SubscribeRefused(frame.uid(), code) : new Other(type);
            case "subscription" -> subscription(frame);
            default ->
                error
                        ? new Error(
                                type,
                                code,
                                frame.error() == null ? null : frame.error().message())
                        : new Other(type);
        };
    }

    private static Inbound subscription(Frame frame) {
        String uid = frame.uid();
        return switch (frame.event() == null ? "" : frame.event()) {
            case "init" -> new Subscribed(uid);
            case "create" -> {
                List<Long> ids = new ArrayList<>();
                int unreadable = items(
                        frame.data(),
                        item -> ids.add(id(JSON.treeToValue(item, DirectusRows.Version.class)
                                .id())));
                yield new Created(uid, List.copyOf(ids), unreadable);
            }
            case "update" -> {
                List<Version> versions = new ArrayList<>();
                int unreadable = items(frame.data(), item -> {
                    DirectusRows.Version row = JSON.treeToValue(item, DirectusRows.Version.class);
                    versions.add(new Version(id(row.id()), row.updatedAt()));
                });
                yield new Updated(uid, List.copyOf(versions), unreadable);
            }
            // The keys themselves, e.g. ["12","13"] or [12]; an object with an id is taken too.
            case "delete" -> {
                List<Long> ids = new ArrayList<>();
                int unreadable = items(
                        frame.data(),
                        key -> ids.add(id(
                                key.isObject()
                                        ? JSON.treeToValue(key, DirectusRows.Version.class)
                                                .id()
                                        : key.isNumber() || key.isString()
                                                ? JSON.treeToValue(key, Long.class)
                                                : null)));
                yield new Deleted(uid, List.copyOf(ids), unreadable);
            }
            default -> new Other("subscription");
        };
    }

    /** Each item of {@code data} (a list, or one value) to {@code reader}; returns how many it could not read. */
    private static int items(JsonNode data, java.util.function.Consumer<JsonNode> reader) {
        Iterable<JsonNode> items = data == null || data.isNull() || data.isMissingNode()
                ? List.of()
                : data.isArray() ? data : List.of(data);
        int unreadable = 0;
        for (JsonNode item : items) {
            try {
                reader.accept(item);
            } catch (RuntimeException e) {
                unreadable++;
            }
        }
        return unreadable;
    }

    private static long id(Long id) {
        if (id == null) {
            throw new IllegalArgumentException("no id");
        }
        return id;
    }

    static String auth(String accessToken) {
        return write(Map.of("type", "auth", "access_token", accessToken));
    }

    static String subscribe(String uid) {
        return subscription("create", SUBSCRIPTION_QUERY, uid);
    }

    /** Updates of messages, with their version; under {@code uid + UPDATES}. */
    static String subscribeUpdates(String uid) {
        return subscription("update", UPDATE_QUERY, uid + UPDATES);
    }

    /** Deletes of messages (their keys); under {@code uid + DELETES}. */
    static String subscribeDeletes(String uid) {
        return subscription("delete", null, uid + DELETES);
    }

    private static String subscription(String event, Object query, String uid) {
        Map<String, Object> frame = new LinkedHashMap<>();
        frame.put("type", "subscribe");
        frame.put("collection", "messages");
        frame.put("event", event);
        if (query != null) {
            frame.put("query", query);
        }
        frame.put("uid", uid);
        return write(frame);
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
