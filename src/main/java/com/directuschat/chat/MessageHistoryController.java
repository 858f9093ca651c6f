package com.directuschat.chat;

import com.directuschat.auth.DirectusAuthentication;
import com.directuschat.directus.ChatMessage;
import com.directuschat.directus.ChatRoom;
import com.directuschat.directus.DirectusClient;
import com.directuschat.directus.DirectusException;
import io.github.wimdeblauwe.htmx.spring.boot.mvc.HxRequest;
import jakarta.servlet.http.HttpServletRequest;
import java.time.ZoneId;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.ModelAndView;

/**
 * "Load earlier messages" ({@code GET /rooms/{slug}/messages?before=<id>}): older history for htmx. Keyset paging
 * by id, so nothing is skipped or repeated however much is posted meanwhile.
 */
@Controller
class MessageHistoryController {

    private final DirectusClient directus;
    private final ChatProperties properties;
    private final Rooms rooms;

    MessageHistoryController(DirectusClient directus, ChatProperties properties, Rooms rooms) {
        this.directus = directus;
        this.properties = properties;
        this.rooms = rooms;
    }

    /**
     * The {@code chat.history-page-size} messages below {@code before}, oldest first, inserted above the list out of
     * band, and the history line again, pointing further back or saying that this is the beginning.
     */
    @HxRequest
    @GetMapping({"/messages", "/rooms/{slug}/messages"})
    ModelAndView earlier(
            @PathVariable(required = false) String slug, DirectusAuthentication login, HttpServletRequest request) {
        long before = before(request.getParameterValues("before"));
        String roomSlug = slug == null ? Rooms.DEFAULT_SLUG : slug;
        int pageSize = properties.historyPageSize();
        List<ChatMessage> found;
        ChatRoom room;
        try {
            room = rooms.bySlug(login.tokens(), roomSlug);
            found = directus.messagesBefore(login.tokens(), room, before, pageSize + 1);
        } catch (DirectusException e) {
            ModelAndView failed = new ModelAndView("chat/fragments :: history", ChatController.failureStatus(e));
            failed.addObject("room", new ChatRoom(0, roomSlug, roomSlug, null, false));
            failed.addObject("historyBefore", before);
            failed.addObject("historyError", failureMessage(e));
            return failed;
        }
        boolean older = found.size() > pageSize;
        List<ChatMessage> page = older ? found.subList(found.size() - pageSize, found.size()) : found;
        ZoneId zone = ClientTimeZone.of(request);
        ModelAndView answer = new ModelAndView("chat/fragments :: earlier");
        answer.addObject("room", room);
        answer.addObject(
                "messages",
                page.stream().map(m -> MessageFormatter.view(m, zone)).toList());
        answer.addObject("historyBefore", older ? page.get(0).id() : null);
        return answer;
    }

    /** A plain browser GET (no htmx) goes to the room's page. */
    @GetMapping({"/messages", "/rooms/{slug}/messages"})
    ModelAndView earlierWithoutHtmx(@PathVariable(required = false) String slug, HttpServletRequest request) {
        before(request.getParameterValues("before"));
        return new ModelAndView(ChatController.toRoom(slug));
    }

    /** The {@code before} parameter: exactly one, a whole number from 1 to {@link ChatController#MAX_MESSAGE_ID}. */
    static long before(String[] values) {
        if (values != null && values.length > 1) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "before must be given once.");
        }
        String value = values == null ? null : values[0];
        if (value != null && value.matches("[0-9]{1,16}")) {
            long id = Long.parseLong(value);
            if (id >= 1 && id <= ChatController.MAX_MESSAGE_ID) {
                return id;
            }
        }
        throw new ResponseStatusException(
                HttpStatus.BAD_REQUEST,
                "before must be a message id: a whole number from 1 to " + ChatController.MAX_MESSAGE_ID + ".");
    }

    private static String failureMessage(DirectusException e) {
        if (e.isUnreachable() || e.status() >= 500) {
            return "Directus is unreachable, so older messages could not be loaded. Try again in a moment.";
        }
        if (e.isTokenRefused()) {
            return "Your session has ended. Reload the page to log in again.";
        }
        return "Directus does not allow you to read older messages.";
    }
}
