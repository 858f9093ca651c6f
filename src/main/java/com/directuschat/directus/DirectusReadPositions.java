package com.directuschat.directus;

import com.directuschat.directus.DirectusRows.ReadPosition;
import com.directuschat.directus.DirectusRows.RoomCount;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
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

    private static final String RECORD_NOT_UNIQUE = "RECORD_NOT_UNIQUE";

    private final DirectusRest rest;
    /** By {@code user:room}; weakly held, so a pair no save is using costs nothing (Directus still compares). */
    private final Cache<String, Saved> saved =
            Caffeine.newBuilder().weakValues().build();

    public DirectusReadPositions(DirectusRest rest) {
        this.rest = rest;
    }

    /**
     * How many messages by others each room holds above the user's read position there (0 when none is
     * stored), in one aggregate query; rooms with none are absent.
     */
    public Map<Long, Integer> unreadCounts(AccessTokenSource tokens, List<ChatRoom> rooms, Map<Long, Long> readUpTo) {
        return unread(tokens, rooms, readUpTo, null);
    }

    /**
     * The same, counting only the messages whose text contains {@code token} (a mention's stored form,
     * {@code <@USER_ID>}): the unread mentions of the user, by room.
     */
    public Map<Long, Integer> unreadContaining(
            AccessTokenSource tokens, List<ChatRoom> rooms, Map<Long, Long> readUpTo, String token) {
        return unread(tokens, rooms, readUpTo, token);
    }

    private Map<Long, Integer> unread(
            AccessTokenSource tokens, List<ChatRoom> rooms, Map<Long, Long> readUpTo, String containing) {
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
                            if (containing != null) {
                                uri.queryParam("filter[content][_contains]", "{containing}");
                            }
                            for (int i = 0; i < rooms.size(); i++) {
                                ChatRoom room = rooms.get(i);
                                String clause = "filter[_or][" + i + "][_and]";
                                DirectusClient.inRoom(uri, room, clause + "[0]")
                                        .queryParam(clause + "[1][id][_gt]", readUpTo.getOrDefault(room.id(), 0L));
                            }
                            return uri.build(containing == null ? Map.of() : Map.of("containing", containing));
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
     * Moves the user's read position in a room forward to {@code lastRead}, never back (one row per user and room,
     * keyed {@code user:room}). On this instance the saves of one user and room take turns, and one that is not past
     * the last one made is skipped; in Directus the row changes only while it is behind ({@code PATCH} by query with
     * {@code last_read _lt}), whoever else writes it. A row that is not there yet is created; a create that loses the
     * race to another one ({@code RECORD_NOT_UNIQUE}) moves the row that won forward instead. Directus reads the row
     * and then writes it, not atomically: two instances saving it within the same milliseconds can still leave the
     * lower position, until the next save.
     */
    public void saveReadPosition(AccessTokenSource tokens, String userId, long roomId, long lastRead) {
        String key = userId + ":" + roomId;
        Saved saved = this.saved.get(key, k -> new Saved());
        synchronized (saved) {
            if (lastRead <= saved.upTo) {
                return;
            }
            if (!moveForward(tokens, key, lastRead)) {
                try {
                    DirectusClient.asUser(
                            tokens,
                            token -> rest.send(
                                    HttpMethod.POST,
                                    token,
                                    uri -> uri.path("/items/read_positions").build(),
                                    Map.of("id", key, "user", userId, "room", roomId, "last_read", lastRead),
                                    new ParameterizedTypeReference<Object>() {}));
                } catch (DirectusException e) {
                    if (!RECORD_NOT_UNIQUE.equals(e.code())) {
                        throw e;
                    }
                    // There (and ahead) already, or created meanwhile by another save: forward if it is behind.
                    moveForward(tokens, key, lastRead);
                }
            }
            saved.upTo = lastRead;
        }
    }

    /** Sets the row's {@code last_read} if it is there and behind; true when Directus changed it. */
    private boolean moveForward(AccessTokenSource tokens, String key, long lastRead) {
        List<Object> changed = DirectusClient.asUser(
                tokens,
                token -> rest.send(
                        HttpMethod.PATCH,
                        token,
                        uri -> uri.path("/items/read_positions")
                                .queryParam("fields", "id")
                                .build(),
                        Map.of(
                                "query",
                                Map.of(
                                        "filter",
                                        Map.of("id", Map.of("_eq", key), "last_read", Map.of("_lt", lastRead))),
                                "data",
                                Map.of("last_read", lastRead)),
                        new ParameterizedTypeReference<List<Object>>() {}));
        return changed != null && !changed.isEmpty();
    }

    /** The position last saved for one user and room on this instance; its monitor makes their saves take turns. */
    private static final class Saved {
        long upTo = Long.MIN_VALUE;
    }
}
