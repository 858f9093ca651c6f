package com.directuschat.directus;

import com.directuschat.directus.DirectusRows.ReadPosition;
import com.directuschat.directus.DirectusRows.RoomCount;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpMethod;
import org.springframework.modulith.NamedInterface;
import org.springframework.stereotype.Component;

/**
 * Read positions (collection {@code read_positions}) and the unread counts they give, as the user; see the chat
 * package. A refused token is retried with a fresh one, as in {@link DirectusClient}; nothing else is.
 */
@NamedInterface("rest")
@Component
public class DirectusReadPositions {

    private final DirectusRest rest;

    public DirectusReadPositions(DirectusRest rest) {
        this.rest = rest;
    }

    /**
     * How many messages by others each room holds above the user's read position there (0 when none is
     * stored), in one aggregate query; rooms with none are absent.
     */
    public Map<Long, Integer> unreadCounts(AccessTokenSource tokens, List<ChatRoom> rooms, Map<Long, Long> readUpTo) {
        if (rooms.isEmpty()) {
            return Map.of();
        }
        List<RoomCount> groups = DirectusClient.asUser(
                tokens,
                token -> rest.get(
                        token,
                        uri -> {
                            uri.path("/items/messages")
                                    .queryParam("aggregate[count]", "id")
                                    .queryParam("groupBy[]", "room")
                                    .queryParam("filter[user_created][_neq]", "$CURRENT_USER");
                            for (int i = 0; i < rooms.size(); i++) {
                                ChatRoom room = rooms.get(i);
                                String clause = "filter[_or][" + i + "][_and]";
                                DirectusClient.inRoom(uri, room, clause + "[0]")
                                        .queryParam(clause + "[1][id][_gt]", readUpTo.getOrDefault(room.id(), 0L));
                            }
                            return uri.build();
                        },
                        new ParameterizedTypeReference<List<RoomCount>>() {}));
        ChatRoom defaultRoom =
                rooms.stream().filter(ChatRoom::isDefault).findFirst().orElse(null);
        Map<Long, Integer> counts = new HashMap<>();
        for (RoomCount group : DirectusClient.orEmpty(groups)) {
            if (group.room() == null && defaultRoom == null) {
                continue;
            }
            counts.merge(group.room() == null ? defaultRoom.id() : group.room(), group.value(), Integer::sum);
        }
        return counts;
    }

    /** The user's read positions (newest message id read, by room id). */
    public Map<Long, Long> readPositions(AccessTokenSource tokens, String userId) {
        List<ReadPosition> rows = DirectusClient.asUser(
                tokens,
                token -> rest.get(
                        token,
                        uri -> uri.path("/items/read_positions")
                                .queryParam("fields", "room,last_read")
                                .queryParam("limit", -1)
                                .queryParam("filter[user][_eq]", "{user}")
                                .build(userId),
                        new ParameterizedTypeReference<List<ReadPosition>>() {}));
        Map<Long, Long> positions = new HashMap<>();
        DirectusClient.orEmpty(rows).stream()
                .filter(row -> row.room() != null && row.lastRead() != null)
                .forEach(row -> positions.merge(row.room(), row.lastRead(), Math::max));
        return positions;
    }

    /**
     * Stores the user's read position in a room (one row per user and room, keyed {@code user:room}). Updates the
     * row, and creates it when it is not there yet; both are idempotent, so repeating them is harmless.
     */
    public void saveReadPosition(AccessTokenSource tokens, String userId, long roomId, long lastRead) {
        String key = userId + ":" + roomId;
        try {
            DirectusClient.asUser(
                    tokens,
                    token -> rest.send(
                            HttpMethod.PATCH,
                            token,
                            uri -> uri.path("/items/read_positions/{key}").build(key),
                            Map.of("last_read", lastRead),
                            new ParameterizedTypeReference<Object>() {}));
        } catch (DirectusException e) {
            if (!e.isForbidden() && e.status() != 404) {
                throw e;
            }
            // Not there yet (Directus answers 403 for an item that does not exist).
            DirectusClient.asUser(
                    tokens,
                    token -> rest.send(
                            HttpMethod.POST,
                            token,
                            uri -> uri.path("/items/read_positions").build(),
                            Map.of("id", key, "user", userId, "room", roomId, "last_read", lastRead),
                            new ParameterizedTypeReference<Object>() {}));
        }
    }
}
