package com.directuschat.chat;

import com.directuschat.directus.AccessTokenSource;
import com.directuschat.directus.ChatMessage;
import com.directuschat.directus.ChatRoom;
import com.directuschat.directus.DirectusClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;

/**
 * The rooms, as Directus has them: read with the asking user's token and kept for {@link #MAX_AGE}, so a room
 * added in Directus shows within that time (at once when someone opens its URL).
 */
@Component
class Rooms {

    /** The room of messages without one, and of {@code /}. */
    static final String DEFAULT_SLUG = "general";
    /** What a room's URL may hold: lowercase letters, digits and inner dashes. */
    static final Pattern SLUG = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?");

    private static final Duration MAX_AGE = Duration.ofSeconds(30);
    /** Stands in when Directus has no default room (a Directus set up by hand): it shows messages without one. */
    private static final ChatRoom FALLBACK_DEFAULT = new ChatRoom(0, DEFAULT_SLUG, "General", null, true);

    private record Snapshot(List<ChatRoom> rooms, Instant loadedAt) {}

    private final DirectusClient directus;
    private volatile Snapshot snapshot = new Snapshot(List.of(), Instant.EPOCH);

    Rooms(DirectusClient directus) {
        this.directus = directus;
    }

    /** Every room, the default room first. */
    List<ChatRoom> all(AccessTokenSource tokens) {
        Snapshot current = snapshot;
        if (current.loadedAt().plus(MAX_AGE).isBefore(Instant.now())) {
            current = load(tokens);
        }
        return current.rooms();
    }

    /**
     * The room with this slug, if there is one. A slug not known yet reloads the list (a room just added in
     * Directus opens at once); that costs one read, as any page does, and the caller has checked the slug's form.
     */
    Optional<ChatRoom> find(AccessTokenSource tokens, String slug) {
        Optional<ChatRoom> found = find(all(tokens), slug);
        return found.isPresent() ? found : find(load(tokens).rooms(), slug);
    }

    /** The room with this slug; a slug that cannot be one is a 400, one that names no room a 404. */
    ChatRoom bySlug(AccessTokenSource tokens, String slug) {
        if (slug == null || !SLUG.matcher(slug).matches()) {
            throw new ResponseStatusException(
                    HttpStatus.BAD_REQUEST,
                    "A room address is made of lowercase letters, digits and dashes (up to 64).");
        }
        return find(tokens, slug)
                .orElseThrow(() -> new ResponseStatusException(
                        HttpStatus.NOT_FOUND,
                        "There is no room called \"" + slug + "\". Pick one from the list of rooms."));
    }

    ChatRoom defaultRoom(AccessTokenSource tokens) {
        return find(all(tokens), DEFAULT_SLUG).orElse(FALLBACK_DEFAULT);
    }

    /** The id of {@code message}'s room, from the rooms known now. */
    long roomOf(ChatMessage message) {
        if (message.room() != null) {
            return message.room();
        }
        return find(snapshot.rooms(), DEFAULT_SLUG).orElse(FALLBACK_DEFAULT).id();
    }

    /** The rooms known now, without asking Directus (for live updates of the room list). */
    List<ChatRoom> known() {
        return snapshot.rooms();
    }

    /**
     * The room list a page shows: every room, its unread count, and which one is open. Links are made here, with
     * the context path, because live updates render outside a request.
     */
    static List<RoomLink> links(
            List<ChatRoom> rooms,
            Map<Long, Integer> unread,
            Map<Long, Integer> mentions,
            ChatRoom current,
            String contextPath) {
        return rooms.stream()
                .map(room -> new RoomLink(
                        room.slug(),
                        room.name(),
                        contextPath + (room.isDefault() ? "/" : "/rooms/" + room.slug()),
                        room.id() == current.id() ? 0 : unread.getOrDefault(room.id(), 0),
                        room.id() == current.id() ? 0 : mentions.getOrDefault(room.id(), 0),
                        room.id() == current.id()))
                .toList();
    }

    /** One entry of the room list; {@code mentions}: unread messages that mention the viewer. */
    record RoomLink(String slug, String name, String href, int unread, int mentions, boolean current) {

        /**
         * The link's accessible name when it has counts ("Random, 3 unread, 1 mention"), else null (its text).
         * Public, for the template.
         */
        public String label() {
            if (unread <= 0 && mentions <= 0) {
                return null;
            }
            StringBuilder label = new StringBuilder(name);
            if (unread > 0) {
                label.append(", ").append(unread).append(" unread");
            }
            if (mentions > 0) {
                label.append(", ").append(mentions).append(mentions == 1 ? " mention" : " mentions");
            }
            return label.toString();
        }
    }

    private Snapshot load(AccessTokenSource tokens) {
        List<ChatRoom> rooms = new java.util.ArrayList<>(directus.rooms(tokens, DEFAULT_SLUG));
        if (rooms.stream().noneMatch(ChatRoom::isDefault)) {
            rooms.add(FALLBACK_DEFAULT);
        }
        rooms.sort(java.util.Comparator.comparing((ChatRoom room) -> !room.isDefault())
                .thenComparing(room -> room.name().toLowerCase(java.util.Locale.ROOT)));
        Snapshot loaded = new Snapshot(List.copyOf(rooms), Instant.now());
        snapshot = loaded;
        return loaded;
    }

    private static Optional<ChatRoom> find(List<ChatRoom> rooms, String slug) {
        return rooms.stream().filter(room -> room.slug().equals(slug)).findFirst();
    }
}
