package com.directuschat.chat;

import com.directuschat.auth.DirectusAuthentication;
import com.directuschat.directus.ChatRoom;
import com.directuschat.directus.DirectusException;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * {@code POST /rooms/{slug}/typing} ({@code /typing}: the default room's): the browser says its user is typing
 * there, at most every 2 s per tab (chat.js); 204. A slug that cannot be one is a 400, a room the user cannot see
 * a 404; Directus unreachable (the rooms not known yet) a 503. Signals beyond one a second per user and room cost a
 * map update and nothing else (Presence shares one a second at most), so no rate limit of its own is needed.
 */
@RestController
class TypingController {

    private final Rooms rooms;
    private final OnlineList online;

    TypingController(Rooms rooms, OnlineList online) {
        this.rooms = rooms;
        this.online = online;
    }

    @PostMapping({"/typing", "/rooms/{slug}/typing"})
    ResponseEntity<Void> typing(@PathVariable(required = false) String slug, DirectusAuthentication login) {
        ChatRoom room;
        try {
            room = rooms.bySlug(login.tokens(), slug == null ? Rooms.DEFAULT_SLUG : slug);
        } catch (DirectusException e) {
            throw new ResponseStatusException(
                    ChatController.failureStatus(e), "The rooms cannot be read right now; typing is not shown.");
        }
        online.typing(login.getPrincipal(), room.id());
        return ResponseEntity.noContent().build();
    }
}
