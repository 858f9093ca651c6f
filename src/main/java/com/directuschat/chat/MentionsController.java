package com.directuschat.chat;

import com.directuschat.auth.DirectusAuthentication;
import com.directuschat.directus.ChatMessage;
import com.directuschat.directus.ChatRoom;
import com.directuschat.directus.DirectusClient;
import com.directuschat.directus.DirectusException;
import com.directuschat.web.ClientTimeZone;
import jakarta.servlet.http.HttpServletRequest;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * {@code GET /mentions}: the newest {@value #LIMIT} messages that mention the user (their text holds the token
 * {@code <@their id>}), in every room they may read, newest first. Directus runs the search as the user, like
 * message search; each one links to its room opened around it.
 */
@Controller
class MentionsController {

    static final int LIMIT = 50;

    private final DirectusClient directus;
    private final People people;

    MentionsController(DirectusClient directus, People people) {
        this.directus = directus;
        this.people = people;
    }

    @GetMapping("/mentions")
    ModelAndView mentions(DirectusAuthentication login, HttpServletRequest request) {
        ModelAndView page = new ModelAndView("chat/mentions");
        page.addObject("user", login.getPrincipal());
        List<ChatMessage> found;
        Map<Long, ChatRoom> rooms;
        try {
            found = directus.searchMessages(
                    login.tokens(), List.of("<@" + login.getPrincipal().id() + ">"), 0, LIMIT);
            rooms = directus.rooms(login.tokens(), Rooms.DEFAULT_SLUG).stream()
                    .collect(Collectors.toMap(ChatRoom::id, Function.identity()));
        } catch (DirectusException e) {
            if (e.isTokenRefused()) {
                request.getSession().invalidate();
                return new ModelAndView("redirect:/login?expired");
            }
            page.setStatus(HttpStatus.SERVICE_UNAVAILABLE);
            page.addObject("problem", "Mentions are unavailable: the chat cannot reach Directus right now. Try again.");
            page.addObject("mentions", List.of());
            return page;
        }
        ZoneId zone = ClientTimeZone.of(request);
        People.Directory directory = people.current(login.tokens(), ChatController.mentioned(found));
        ChatRoom defaultRoom =
                rooms.values().stream().filter(ChatRoom::isDefault).findFirst().orElse(null);
        List<Mention> mentions = new ArrayList<>();
        for (ChatMessage message : found) {
            ChatRoom room = message.room() == null ? defaultRoom : rooms.get(message.room());
            // The text search also matches a token inside a longer one; only real mentions of the user count.
            if (!Mentions.mentions(message.content(), login.getPrincipal().id())) {
                continue;
            }
            String slug = room == null ? Rooms.DEFAULT_SLUG : room.slug();
            mentions.add(new Mention(
                    room == null ? "General" : room.name(),
                    UriComponentsBuilder.fromPath(request.getContextPath() + "/rooms/{slug}")
                            .queryParam("around", message.id())
                            .fragment("m-" + message.id())
                            .encode()
                            .buildAndExpand(slug)
                            .toUriString(),
                    MessageFormatter.view(message, zone, directory::name)));
        }
        page.addObject("mentions", mentions);
        return page;
    }

    /** One message that mentions the user: its room's name, the link that opens the room at it, and the message. */
    record Mention(String room, String href, MessageView m) {}
}
