package com.directuschat.directus;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.springframework.stereotype.Component;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Directus REST calls, as a user or anonymously (login). Calls made with an {@link AccessTokenSource}
 * are retried once with a refreshed token when Directus refuses the token.
 */
@Component
public class DirectusClient {

    static final String MESSAGE_FIELDS = "id,content,date_created,date_updated,room,user_created.id,user_created.first_name,user_created.last_name";

    static {
        // Too late if another HttpClient came first; main applies them before anything else.
        KeepAlive.apply();
        ClientBuffers.apply();
    }

    private final DirectusProperties properties;
    private final ObjectMapper json;
    private final HttpClient http;

    public DirectusClient(DirectusProperties properties, ObjectMapper json) {
        this.properties = properties;
        this.json = json;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(properties.requestTimeout()).build();
    }

    public AuthTokens login(String email, String password) {
        return tokens(post("/auth/login", Map.of("email", email, "password", password, "mode", "json"), null));
    }

    /** Exchanges a refresh token for a new pair; Directus invalidates the old refresh token at once. */
    public AuthTokens refresh(String refreshToken) {
        return tokens(post("/auth/refresh", Map.of("refresh_token", refreshToken, "mode", "json"), null));
    }

    /** Revokes the refresh token (ends the Directus session). */
    public void logout(String refreshToken) {
        post("/auth/logout", Map.of("refresh_token", refreshToken, "mode", "json"), null);
    }

    public DirectusUser currentUser(AccessTokenSource tokens) {
        JsonNode data = asUser(tokens, token -> get("/users/me?fields=id,email,first_name,last_name", token));
        return new DirectusUser(Json.text(data, "id"), Json.text(data, "email"), Json.text(data, "first_name"),
                Json.text(data, "last_name"));
    }

    /** Every room, by name; {@code defaultSlug} marks the one that also holds messages without a room. */
    public List<ChatRoom> rooms(AccessTokenSource tokens, String defaultSlug) {
        JsonNode data = asUser(tokens, token -> get("/items/rooms?fields=id,slug,name,description&sort=name&limit=-1", token));
        List<ChatRoom> rooms = new ArrayList<>();
        for (JsonNode node : data) {
            String slug = Json.text(node, "slug");
            if (slug != null) {
                String name = Json.text(node, "name");
                rooms.add(new ChatRoom(Json.id(node), slug, name == null || name.isBlank() ? slug : name,
                        Json.text(node, "description"), slug.equals(defaultSlug)));
            }
        }
        return rooms;
    }

    /** The newest {@code limit} messages of the room, oldest first. */
    public List<ChatMessage> latestMessages(AccessTokenSource tokens, ChatRoom room, int limit) {
        List<ChatMessage> newestFirst = messages(tokens, "sort=-id&limit=" + limit + "&" + room.filter("filter"));
        Collections.reverse(newestFirst);
        return newestFirst;
    }

    /**
     * Up to {@code limit} messages of the room with an id below {@code beforeId}, oldest first: the newest ones
     * of them, so that paging back with the oldest id of each answer skips and repeats nothing (keyset paging).
     */
    public List<ChatMessage> messagesBefore(AccessTokenSource tokens, ChatRoom room, long beforeId, int limit) {
        List<ChatMessage> newestFirst = messages(tokens,
                "sort=-id&limit=" + limit + "&filter[id][_lt]=" + beforeId + "&" + room.filter("filter"));
        Collections.reverse(newestFirst);
        return newestFirst;
    }

    /** Messages of the room with an id above {@code afterId}, in id order. */
    public List<ChatMessage> messagesAfter(AccessTokenSource tokens, ChatRoom room, long afterId, int limit) {
        return messages(tokens, "sort=id&limit=" + limit + "&filter[id][_gt]=" + afterId + "&" + room.filter("filter"));
    }

    /** The messages among {@code ids} that this user may read, in id order; unreadable or deleted ones are absent. */
    public List<ChatMessage> messagesByIds(AccessTokenSource tokens, Collection<Long> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        String list = ids.stream().map(String::valueOf).collect(Collectors.joining(","));
        return messages(tokens, "sort=id&limit=" + ids.size() + "&filter[id][_in]=" + list);
    }

    public ChatMessage createMessage(AccessTokenSource tokens, ChatRoom room, String content) {
        // The stand-in default room (id 0, when Directus has none) posts without a room.
        Map<String, Object> body = room.id() == 0 ? Map.of("content", content)
                : Map.of("content", content, "room", room.id());
        JsonNode data = asUser(tokens, token -> post("/items/messages?fields=" + MESSAGE_FIELDS, body, token));
        return Json.message(data);
    }

    /**
     * How many messages by others each room holds above the user's read position there (0 when none is
     * stored), in one aggregate query; rooms with none are absent.
     */
    public Map<Long, Integer> unreadCounts(AccessTokenSource tokens, List<ChatRoom> rooms, Map<Long, Long> readUpTo) {
        if (rooms.isEmpty()) {
            return Map.of();
        }
        StringBuilder query = new StringBuilder("aggregate[count]=id&groupBy[]=room&filter[user_created][_neq]=$CURRENT_USER");
        for (int i = 0; i < rooms.size(); i++) {
            ChatRoom room = rooms.get(i);
            String clause = "filter[_or][" + i + "][_and]";
            query.append('&').append(room.filter(clause + "[0]"))
                    .append('&').append(clause).append("[1][id][_gt]=").append(readUpTo.getOrDefault(room.id(), 0L));
        }
        JsonNode data = asUser(tokens, token -> get("/items/messages?" + query, token));
        ChatRoom defaultRoom = rooms.stream().filter(ChatRoom::isDefault).findFirst().orElse(null);
        Map<Long, Integer> counts = new java.util.HashMap<>();
        for (JsonNode group : data) {
            Long room = Json.optionalId(group.get("room"));
            if (room == null && defaultRoom == null) {
                continue;
            }
            long key = room == null ? defaultRoom.id() : room;
            JsonNode count = group.path("count");
            int n = count.isObject() ? count.path("id").asInt(0) : count.asInt(0);
            counts.merge(key, n, Integer::sum);
        }
        return counts;
    }

    /** The user's read positions (newest message id read, by room id). */
    public Map<Long, Long> readPositions(AccessTokenSource tokens, String userId) {
        JsonNode data = asUser(tokens, token -> get("/items/read_positions?fields=room,last_read&limit=-1&filter[user][_eq]="
                + userId, token));
        Map<Long, Long> positions = new java.util.HashMap<>();
        for (JsonNode node : data) {
            Long room = Json.optionalId(node.get("room"));
            Long last = Json.optionalId(node.get("last_read"));
            if (room != null && last != null) {
                positions.merge(room, last, Math::max);
            }
        }
        return positions;
    }

    /**
     * Stores the user's read position in a room (one row per user and room, keyed {@code user:room}). Updates the
     * row, and creates it when it is not there yet; both are idempotent, so repeating them is harmless.
     */
    public void saveReadPosition(AccessTokenSource tokens, String userId, long roomId, long lastRead) {
        String key = userId + ":" + roomId;
        try {
            asUser(tokens, token -> patch("/items/read_positions/" + key, Map.of("last_read", lastRead), token));
        }
        catch (DirectusException e) {
            if (!e.isForbidden() && e.status() != 404) {
                throw e;
            }
            // Not there yet (Directus answers 403 for an item that does not exist).
            asUser(tokens, token -> post("/items/read_positions",
                    Map.of("id", key, "user", userId, "room", roomId, "last_read", lastRead), token));
        }
    }

    /** The id of the room with this slug, or null when there is none that this user may read. */
    public Long roomId(AccessTokenSource tokens, String slug) {
        JsonNode data = asUser(tokens, token -> get("/items/rooms?fields=id&limit=1&filter[slug][_eq]="
                + java.net.URLEncoder.encode(slug, StandardCharsets.UTF_8), token));
        return data.size() == 0 ? null : Json.optionalId(data.get(0).get("id"));
    }

    // Presence rows (collection presence), always as the user whose row it is; see the presence package.

    /**
     * Creates the user's presence row {@code key} in {@code room}; Directus sets the user and the time. An existing
     * row is refused with {@code RECORD_NOT_UNIQUE}.
     */
    public void createPresence(AccessTokenSource tokens, String key, long room) {
        asUser(tokens, token -> write("POST", "/items/presence?fields=id", Map.of("id", key, "room", room), token));
    }

    /** Refreshes the row's time. A missing row is refused as FORBIDDEN: Directus does not tell the two apart. */
    public void touchPresence(AccessTokenSource tokens, String key) {
        asUser(tokens, token -> write("PATCH", "/items/presence/" + pathSegment(key) + "?fields=id", Map.of(), token));
    }

    /** Deletes the row; a missing row is refused as FORBIDDEN. */
    public void deletePresence(AccessTokenSource tokens, String key) {
        asUser(tokens, token -> write("DELETE", "/items/presence/" + pathSegment(key), null, token));
    }

    /** Deletes this user's rows not refreshed for {@code age} (those of a chat server that stopped without leaving). */
    public void deleteStalePresence(AccessTokenSource tokens, Duration age) {
        Map<String, Object> filter = Map.of("_and", List.of(Map.of("user", Map.of("_eq", "$CURRENT_USER")),
                Map.of("seen", Map.of("_lt", "$NOW(-" + age.toMillis() + "ms)"))));
        asUser(tokens, token -> write("DELETE", "/items/presence", Map.of("query", Map.of("filter", filter)), token));
    }

    /** Rows in these rooms refreshed within {@code age} by Directus's clock, with their users' names. */
    public List<PresenceRow> presence(AccessTokenSource tokens, Collection<Long> rooms, Duration age) {
        if (rooms.isEmpty()) {
            return List.of();
        }
        String list = rooms.stream().map(String::valueOf).collect(Collectors.joining(","));
        JsonNode data = asUser(tokens, token -> get("/items/presence?fields=id,room,user.id,user.first_name,user.last_name"
                + "&limit=-1&filter[room][_in]=" + list + "&filter[seen][_gte]=$NOW(-" + age.toMillis() + "ms)", token));
        List<PresenceRow> rows = new ArrayList<>();
        data.forEach(node -> rows.add(Json.presence(node)));
        return rows;
    }

    private static String pathSegment(String key) {
        return java.net.URLEncoder.encode(key, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private List<ChatMessage> messages(AccessTokenSource tokens, String query) {
        JsonNode data = asUser(tokens, token -> get("/items/messages?fields=" + MESSAGE_FIELDS + "&" + query, token));
        List<ChatMessage> messages = new ArrayList<>();
        data.forEach(node -> messages.add(Json.message(node)));
        return messages;
    }

    private JsonNode asUser(AccessTokenSource tokens, Function<String, JsonNode> call) {
        String token = tokens.accessToken();
        try {
            return call.apply(token);
        }
        catch (DirectusException e) {
            if (!e.isTokenRefused()) {
                throw e;
            }
            return call.apply(tokens.refreshAfterRejection(token));
        }
    }

    private AuthTokens tokens(JsonNode data) {
        long expiresMs = data.path("expires").asLong(0);
        return new AuthTokens(Json.text(data, "access_token"), Json.text(data, "refresh_token"),
                Instant.now().plusMillis(expiresMs));
    }

    private JsonNode get(String path, String token) {
        return send(request(path, token).GET().build());
    }

    private JsonNode post(String path, Object body, String token) {
        String payload = json.writeValueAsString(body);
        return send(request(path, token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(payload)).build());
    }

    private JsonNode patch(String path, Object body, String token) {
        String payload = json.writeValueAsString(body);
        return send(request(path, token).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(payload)).build());
    }

    /** POST, PATCH or DELETE (a body is optional for DELETE); never retried. */
    private JsonNode write(String method, String path, Object body, String token) {
        HttpRequest.Builder builder = request(path, token);
        if (body == null) {
            builder.method(method, HttpRequest.BodyPublishers.noBody());
        }
        else {
            builder.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)));
        }
        return send(builder.build());
    }

    private HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(resolve(path)).timeout(properties.requestTimeout())
                .header("Accept", "application/json");
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder;
    }

    private URI resolve(String path) {
        String base = properties.url().toString();
        String encoded = path.replace("[", "%5B").replace("]", "%5D");
        return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + encoded);
    }

    private JsonNode send(HttpRequest request) {
        HttpResponse<String> response;
        try {
            response = exchange(request);
        }
        catch (IOException e) {
            throw new DirectusException("Directus is unreachable at " + properties.url() + " (" + e.getClass().getSimpleName() + ")", e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DirectusException("Interrupted while calling Directus", e);
        }
        JsonNode body = parse(response.body());
        if (response.statusCode() >= 400) {
            JsonNode error = body.path("errors").path(0);
            String message = Json.text(error, "message");
            throw new DirectusException(response.statusCode(), Json.text(error.path("extensions"), "code"),
                    message != null ? message : "Directus answered HTTP " + response.statusCode());
        }
        return body.path("data");
    }

    /**
     * A failed GET is retried once; nothing else is, because it may have reached Directus (a message posted
     * twice, a rotated refresh token replayed, which logs the user out). The race a retry used to cover, Node
     * closing an idle keep-alive connection after 5 s just as we reuse it, is prevented instead: pooled
     * connections are dropped sooner ({@link KeepAlive}).
     */
    private HttpResponse<String> exchange(HttpRequest request) throws IOException, InterruptedException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        }
        catch (HttpTimeoutException e) {
            throw e;
        }
        catch (IOException e) {
            if (!"GET".equals(request.method())) {
                throw e;
            }
            return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        }
    }

    private JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return json.createObjectNode();
        }
        try {
            return json.readTree(body);
        }
        catch (JacksonException e) {
            // A proxy's HTML error page, for example.
            return json.createObjectNode();
        }
    }

    /**
     * Changes a message's text, as the user: Directus's policies decide (with the provisioned filtered rule, only
     * the author may). Returns the message as it is now, with its new {@code date_updated}.
     */
    public ChatMessage updateMessage(AccessTokenSource tokens, long id, String content) {
        JsonNode data = asUser(tokens, token -> send(request("/items/messages/" + id + "?fields=" + MESSAGE_FIELDS, token)
                .header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(json.writeValueAsString(Map.of("content", content))))
                .build()));
        return Json.message(data);
    }

    /** Deletes a message, as the user (Directus's policies decide). */
    public void deleteMessage(AccessTokenSource tokens, long id) {
        asUser(tokens, token -> send(request("/items/messages/" + id, token).DELETE().build()));
    }

    /**
     * The ids and versions ({@code date_updated}) of the {@code limit} newest messages with an id up to
     * {@code upToId}, newest first: plain columns, no join, so a cheap read for checking what a page shows.
     */
    public List<MessageVersion> messageVersions(AccessTokenSource tokens, ChatRoom room, long upToId, int limit) {
        String inRoom = room == null ? "" : "&" + room.filter("filter");
        JsonNode data = asUser(tokens, token -> get("/items/messages?fields=id,date_updated&sort=-id&limit=" + limit
                + "&filter[id][_lte]=" + upToId + inRoom, token));
        List<MessageVersion> versions = new ArrayList<>();
        data.forEach(node -> versions.add(new MessageVersion(Json.id(node), Json.instant(Json.text(node, "date_updated")))));
        return versions;
    }

    /** A message's id and {@code date_updated} (null while it was never edited). */
    public record MessageVersion(long id, Instant updatedAt) {
    }
}
