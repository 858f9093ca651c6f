package com.directuschat.directus;

import com.directuschat.directus.DirectusRows.Presence;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpMethod;
import org.springframework.modulith.NamedInterface;
import org.springframework.stereotype.Component;

/**
 * Presence rows (collection {@code presence}), always as the user whose row it is; see the presence package. A
 * refused token is retried with a fresh one, as in {@link DirectusClient}; nothing else is.
 */
@NamedInterface("rest")
@Component
public class DirectusPresence {

    private static final ParameterizedTypeReference<Object> IGNORED = new ParameterizedTypeReference<>() {};

    private final DirectusRest rest;

    public DirectusPresence(DirectusRest rest) {
        this.rest = rest;
    }

    /**
     * Creates the user's presence row {@code key} in {@code room}; Directus sets the user and the time. An existing
     * row is refused with {@code RECORD_NOT_UNIQUE}.
     */
    public void createPresence(AccessTokenSource tokens, String key, long room) {
        DirectusClient.asUser(
                tokens,
                token -> rest.send(
                        HttpMethod.POST,
                        token,
                        uri -> uri.path("/items/presence")
                                .queryParam("fields", "id")
                                .build(),
                        Map.of("id", key, "room", room),
                        IGNORED));
    }

    /** Refreshes the row's time. A missing row is refused as FORBIDDEN: Directus does not tell the two apart. */
    public void touchPresence(AccessTokenSource tokens, String key) {
        DirectusClient.asUser(
                tokens,
                token -> rest.send(
                        HttpMethod.PATCH,
                        token,
                        uri -> uri.path("/items/presence/{key}")
                                .queryParam("fields", "id")
                                .build(key),
                        Map.of(),
                        IGNORED));
    }

    /** Deletes the row; a missing row is refused as FORBIDDEN. */
    public void deletePresence(AccessTokenSource tokens, String key) {
        DirectusClient.asUser(
                tokens,
                token -> rest.send(
                        HttpMethod.DELETE,
                        token,
                        uri -> uri.path("/items/presence/{key}").build(key),
                        null,
                        IGNORED));
    }

    /** Deletes this user's rows not refreshed for {@code age} (those of a chat server that stopped without leaving). */
    public void deleteStalePresence(AccessTokenSource tokens, Duration age) {
        Map<String, Object> filter = Map.of(
                "_and",
                List.of(
                        Map.of("user", Map.of("_eq", "$CURRENT_USER")),
                        Map.of("seen", Map.of("_lt", "$NOW(-" + age.toMillis() + "ms)"))));
        DirectusClient.asUser(
                tokens,
                token -> rest.send(
                        HttpMethod.DELETE,
                        token,
                        uri -> uri.path("/items/presence").build(),
                        Map.of("query", Map.of("filter", filter)),
                        IGNORED));
    }

    /** Rows in these rooms refreshed within {@code age} by Directus's clock, with their users' names. */
    public List<PresenceRow> presence(AccessTokenSource tokens, Collection<Long> rooms, Duration age) {
        if (rooms.isEmpty()) {
            return List.of();
        }
        String list = rooms.stream().map(String::valueOf).collect(Collectors.joining(","));
        List<Presence> rows = DirectusClient.asUser(
                tokens,
                token -> rest.get(
                        token,
                        uri -> uri.path("/items/presence")
                                .queryParam("fields", "id,room,user.id,user.first_name,user.last_name")
                                .queryParam("limit", -1)
                                .queryParam("filter[room][_in]", list)
                                .queryParam("filter[seen][_gte]", "$NOW(-" + age.toMillis() + "ms)")
                                .build(),
                        new ParameterizedTypeReference<List<Presence>>() {}));
        return rows == null ? List.of() : rows.stream().map(Presence::toRow).toList();
    }
}
