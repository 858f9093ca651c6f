package com.directuschat.directus;

import com.directuschat.directus.DirectusRows.Message;
import com.directuschat.directus.DirectusRows.Room;
import com.directuschat.directus.DirectusRows.Tokens;
import com.directuschat.directus.DirectusRows.User;
import com.directuschat.directus.DirectusRows.Version;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpMethod;
import org.springframework.modulith.NamedInterface;
import org.springframework.stereotype.Component;
import org.springframework.web.util.UriBuilder;

/**
 * The chat's Directus calls as a user (messages, rooms, read positions) or anonymously (login). Calls made with an
 * {@link AccessTokenSource} are repeated once with a refreshed token when Directus refuses the token: a refused
 * token means Directus did nothing. Read positions are
 * {@link DirectusReadPositions}'.
 */
@NamedInterface("rest")
@Component
public class DirectusClient {

    static final String MESSAGE_FIELDS =
            "id,content,date_created,date_updated,room,user_created.id,user_created.first_name,user_created.last_name";

    private static final ParameterizedTypeReference<List<Message>> MESSAGES = new ParameterizedTypeReference<>() {};

    private final DirectusRest rest;

    public DirectusClient(DirectusRest rest) {
        this.rest = rest;
    }

    public AuthTokens login(String email, String password) {
        return auth("/auth/login", Map.of("email", email, "password", password, "mode", "json"));
    }

    /** Exchanges a refresh token for a new pair; Directus invalidates the old refresh token at once. */
    public AuthTokens refresh(String refreshToken) {
        return auth("/auth/refresh", Map.of("refresh_token", refreshToken, "mode", "json"));
    }

    /** Revokes the refresh token (ends the Directus session). */
    public void logout(String refreshToken) {
        rest.send(
                HttpMethod.POST,
                null,
                uri -> uri.path("/auth/logout").build(),
                Map.of("refresh_token", refreshToken, "mode", "json"),
                new ParameterizedTypeReference<Object>() {});
    }

    private AuthTokens auth(String path, Map<String, String> body) {
        Tokens tokens = rest.send(
                HttpMethod.POST,
                null,
                uri -> uri.path(path).build(),
                body,
                new ParameterizedTypeReference<Tokens>() {});
        return tokens == null ? new Tokens(null, null, null).toTokens() : tokens.toTokens();
    }

    public DirectusUser currentUser(AccessTokenSource tokens) {
        User user = asUser(
                tokens,
                token -> rest.get(
                        token,
                        uri -> uri.path("/users/me")
                                .queryParam("fields", "id,email,first_name,last_name")
                                .build(),
                        new ParameterizedTypeReference<User>() {}));
        return user == null ? new DirectusUser(null, null, null, null) : user.toUser();
    }

    /**
     * The users this user may read (the chat's people directory): id, first and last name only, every one of them
     * ({@code limit=-1}). The provisioned chat policy lets chat users read these three fields of every user.
     */
    public List<DirectusUser> users(AccessTokenSource tokens) {
        List<User> rows = asUser(
                tokens,
                token -> rest.get(
                        token,
                        uri -> uri.path("/users")
                                .queryParam("fields", "id,first_name,last_name")
                                .queryParam("limit", -1)
                                .build(),
                        new ParameterizedTypeReference<List<User>>() {}));
        return orEmpty(rows).stream()
                .filter(row -> row.id() != null)
                .map(User::toUser)
                .toList();
    }

    /** Every room, by name; {@code defaultSlug} marks the one that also holds messages without a room. */
    public List<ChatRoom> rooms(AccessTokenSource tokens, String defaultSlug) {
        List<Room> rows = asUser(
                tokens,
                token -> rest.get(
                        token,
                        uri -> uri.path("/items/rooms")
                                .queryParam("fields", "id,slug,name,description")
                                .queryParam("sort", "name")
                                .queryParam("limit", -1)
                                .build(),
                        new ParameterizedTypeReference<List<Room>>() {}));
        List<ChatRoom> rooms = new ArrayList<>();
        for (Room row : orEmpty(rows)) {
            if (row.slug() != null && row.id() != null) {
                String name = row.name() == null || row.name().isBlank() ? row.slug() : row.name();
                rooms.add(new ChatRoom(
                        row.id(),
                        row.slug(),
                        name,
                        row.description(),
                        row.slug().equals(defaultSlug)));
            }
        }
        return rooms;
    }

    /** The newest {@code limit} messages of the room, oldest first. */
    public List<ChatMessage> latestMessages(AccessTokenSource tokens, ChatRoom room, int limit) {
        List<ChatMessage> newestFirst = messages(
                tokens,
                uri -> inRoom(uri, room, "filter").queryParam("sort", "-id").queryParam("limit", limit));
        Collections.reverse(newestFirst);
        return newestFirst;
    }

    /**
     * Up to {@code limit} messages of the room with an id below {@code beforeId}, oldest first: the newest ones
     * of them, so that paging back with the oldest id of each answer skips and repeats nothing (keyset paging).
     */
    public List<ChatMessage> messagesBefore(AccessTokenSource tokens, ChatRoom room, long beforeId, int limit) {
        List<ChatMessage> newestFirst = messages(
                tokens,
                uri -> inRoom(uri, room, "filter")
                        .queryParam("sort", "-id")
                        .queryParam("limit", limit)
                        .queryParam("filter[id][_lt]", beforeId));
        Collections.reverse(newestFirst);
        return newestFirst;
    }

    /** Messages of the room with an id above {@code afterId}, in id order. */
    public List<ChatMessage> messagesAfter(AccessTokenSource tokens, ChatRoom room, long afterId, int limit) {
        return messages(
                tokens,
                uri -> inRoom(uri, room, "filter")
                        .queryParam("sort", "id")
                        .queryParam("limit", limit)
                        .queryParam("filter[id][_gt]", afterId));
    }

    /**
     * Up to {@code limit} messages this user may read (Directus applies their policies), newest first, with an id
     * below {@code beforeId} (0: from the newest), whose text contains each of {@code pieces} ignoring case
     * (Directus's {@code _icontains}, a {@code LIKE} that does not escape {@code %} or {@code _}: callers pass
     * pieces without them). No pieces: every message.
     */
    public List<ChatMessage> searchMessages(AccessTokenSource tokens, List<String> pieces, long beforeId, int limit) {
        Map<String, Object> values = new java.util.HashMap<>();
        List<Message> rows = asUser(
                tokens,
                token -> rest.get(
                        token,
                        uri -> {
                            uri.path("/items/messages")
                                    .queryParam("fields", MESSAGE_FIELDS)
                                    .queryParam("sort", "-id")
                                    .queryParam("limit", limit);
                            int i = 0;
                            for (String piece : pieces) {
                                uri.queryParam("filter[_and][" + i + "][content][_icontains]", "{piece" + i + "}");
                                values.put("piece" + i++, piece);
                            }
                            if (beforeId > 0) {
                                uri.queryParam("filter[_and][" + i + "][id][_lt]", beforeId);
                            }
                            return uri.build(values);
                        },
                        MESSAGES));
        return orEmpty(rows).stream().map(Message::toMessage).collect(Collectors.toCollection(ArrayList::new));
    }

    /** The messages among {@code ids} that this user may read, in id order; unreadable or deleted ones are absent. */
    public List<ChatMessage> messagesByIds(AccessTokenSource tokens, Collection<Long> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        String list = ids.stream().map(String::valueOf).collect(Collectors.joining(","));
        return messages(
                tokens,
                uri -> uri.queryParam("sort", "id")
                        .queryParam("limit", ids.size())
                        .queryParam("filter[id][_in]", list));
    }

    public ChatMessage createMessage(AccessTokenSource tokens, ChatRoom room, String content) {
        return writeMessage(tokens, HttpMethod.POST, "/items/messages", newMessage(room, content));
    }

    /**
     * The same, read back without the author join: the author is the token's user (Directus's {@code user-created}
     * special sets it, whatever a client sends), whose id and names the caller knows.
     */
    public ChatMessage createMessage(
            AccessTokenSource tokens, ChatRoom room, String content, String authorId, String first, String last) {
        Message row = asUser(
                tokens,
                token -> rest.send(
                        HttpMethod.POST,
                        token,
                        uri -> uri.path("/items/messages")
                                .queryParam("fields", "id,content,date_created,date_updated,room")
                                .build(),
                        newMessage(room, content),
                        new ParameterizedTypeReference<Message>() {}));
        if (row == null) {
            throw new DirectusException(502, "INVALID_PAYLOAD", "Directus answered without the message");
        }
        ChatMessage read = row.toMessage();
        return new ChatMessage(
                read.id(), read.content(), read.createdAt(), authorId, first, last, read.room(), read.updatedAt());
    }

    /** The stand-in default room (id 0, when Directus has none) posts without a room. */
    private static Map<String, Object> newMessage(ChatRoom room, String content) {
        return room.id() == 0 ? Map.of("content", content) : Map.of("content", content, "room", room.id());
    }

    /**
     * Whether this user may read every message, in every room: Directus's {@code /permissions/me} says their read
     * access to {@code messages} is full (no item rule). Then what is created through this chat may go to their tabs
     * before Directus's own event; otherwise only Directus decides what they get.
     */
    public boolean readsEveryMessage(AccessTokenSource tokens) {
        Map<String, Map<String, Map<String, Object>>> access = asUser(
                tokens,
                token -> rest.get(
                        token,
                        uri -> uri.path("/permissions/me").build(),
                        new ParameterizedTypeReference<Map<String, Map<String, Map<String, Object>>>>() {}));
        if (access == null
                || access.get("messages") == null
                || access.get("messages").get("read") == null) {
            return false;
        }
        return "full".equals(access.get("messages").get("read").get("access"));
    }

    /**
     * Changes a message's text, as the user: Directus's policies decide (with the provisioned filtered rule, only
     * the author may). Returns the message as it is now, with its new {@code date_updated}.
     */
    public ChatMessage updateMessage(AccessTokenSource tokens, long id, String content) {
        return writeMessage(tokens, HttpMethod.PATCH, "/items/messages/" + id, Map.of("content", content));
    }

    /** Deletes a message, as the user (Directus's policies decide). */
    public void deleteMessage(AccessTokenSource tokens, long id) {
        asUser(
                tokens,
                token -> rest.send(
                        HttpMethod.DELETE,
                        token,
                        uri -> uri.path("/items/messages/" + id).build(),
                        null,
                        new ParameterizedTypeReference<Object>() {}));
    }

    /**
     * The ids and versions ({@code date_updated}) of the {@code limit} newest messages with an id up to
     * {@code upToId}, newest first: plain columns, no join, so a cheap read for checking what a page shows.
     */
    public List<MessageVersion> messageVersions(AccessTokenSource tokens, ChatRoom room, long upToId, int limit) {
        List<Version> rows = asUser(
                tokens,
                token -> rest.get(
                        token,
                        uri -> {
                            UriBuilder query = uri.path("/items/messages")
                                    .queryParam("fields", "id,date_updated")
                                    .queryParam("sort", "-id")
                                    .queryParam("limit", limit)
                                    .queryParam("filter[id][_lte]", upToId);
                            return (room == null ? query : inRoom(query, room, "filter")).build();
                        },
                        new ParameterizedTypeReference<List<Version>>() {}));
        List<MessageVersion> versions = new ArrayList<>();
        orEmpty(rows).stream()
                .filter(row -> row.id() != null)
                .forEach(row -> versions.add(new MessageVersion(row.id(), row.updatedAt())));
        return versions;
    }

    /** The id of the room with this slug, or null when there is none that this user may read. */
    public Long roomId(AccessTokenSource tokens, String slug) {
        List<Room> rows = asUser(
                tokens,
                token -> rest.get(
                        token,
                        uri -> uri.path("/items/rooms")
                                .queryParam("fields", "id")
                                .queryParam("limit", 1)
                                .queryParam("filter[slug][_eq]", "{slug}")
                                .build(slug),
                        new ParameterizedTypeReference<List<Room>>() {}));
        return orEmpty(rows).isEmpty() ? null : rows.get(0).id();
    }

    private List<ChatMessage> messages(AccessTokenSource tokens, Function<UriBuilder, UriBuilder> query) {
        List<Message> rows = asUser(
                tokens,
                token -> rest.get(
                        token,
                        uri -> query.apply(uri.path("/items/messages").queryParam("fields", MESSAGE_FIELDS))
                                .build(),
                        MESSAGES));
        return orEmpty(rows).stream().map(Message::toMessage).collect(Collectors.toCollection(ArrayList::new));
    }

    private ChatMessage writeMessage(
            AccessTokenSource tokens, HttpMethod method, String path, Map<String, Object> body) {
        Message row = asUser(
                tokens,
                token -> rest.send(
                        method,
                        token,
                        uri -> uri.path(path)
                                .queryParam("fields", MESSAGE_FIELDS)
                                .build(),
                        body,
                        new ParameterizedTypeReference<Message>() {}));
        if (row == null) {
            throw new DirectusException(502, "INVALID_PAYLOAD", "Directus answered without the message");
        }
        return row.toMessage();
    }

    static <T> List<T> orEmpty(List<T> rows) {
        return rows == null ? List.of() : rows;
    }

    static UriBuilder inRoom(UriBuilder uri, ChatRoom room, String prefix) {
        room.filter(prefix).forEach(uri::queryParam);
        return uri;
    }

    /** The call with the user's token; once more with a fresh one when Directus refused the token (it did nothing). */
    static <T> T asUser(AccessTokenSource tokens, Function<String, T> call) {
        String token = tokens.accessToken();
        try {
            return call.apply(token);
        } catch (DirectusException e) {
            if (!e.isTokenRefused()) {
                throw e;
            }
            return call.apply(tokens.refreshAfterRejection(token));
        }
    }

    /** A message's id and {@code date_updated} (null while it was never edited). */
    public record MessageVersion(long id, Instant updatedAt) {}

    /** For tests and tools: a client of the Directus at {@code url}. */
    public static DirectusClient of(URI url, java.time.Duration timeout) {
        return new DirectusClient(DirectusRest.create(url.toString(), timeout));
    }
}
