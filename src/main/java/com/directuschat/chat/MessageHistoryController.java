package com.directuschat.chat;

import com.directuschat.auth.DirectusAuthentication;
import com.directuschat.directus.ChatMessage;
import com.directuschat.directus.ChatRoom;
import com.directuschat.directus.DirectusClient;
import com.directuschat.directus.DirectusException;
import com.directuschat.web.ClientTimeZone;
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
    private final People people;

    MessageHistoryController(DirectusClient directus, ChatProperties properties, Rooms rooms, People people) {
        this.people = people;
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
        return page(slug, login, request, before(request.getParameterValues("before")), false);
    }

    /**
     * "Load newer messages", below a page opened around one message: the {@code chat.history-page-size} messages
     * after {@code after}, oldest first, appended to the list out of band, and the line again: a button further on,
     * or nothing once this reaches the newest message (the page's live stream, which held its messages back until
     * then, takes over: chat.js).
     */
    @HxRequest
    @GetMapping(
            path = {"/messages", "/rooms/{slug}/messages"},
            params = "after")
    ModelAndView later(
            @PathVariable(required = false) String slug, DirectusAuthentication login, HttpServletRequest request) {
        return page(slug, login, request, messageId(request.getParameterValues("after"), "after"), true);
    }

    /**
     * One page from {@code from} on, backwards ("earlier": the line is {@code history}, its key {@code historyBefore})
     * or forwards ({@code newer}, {@code newerAfter}): one more message is read than shown, to know whether there
     * are more.
     */
    private ModelAndView page(
            String slug, DirectusAuthentication login, HttpServletRequest request, long from, boolean forward) {
        String roomSlug = slug == null ? Rooms.DEFAULT_SLUG : slug;
        String next = forward ? "newerAfter" : "historyBefore";
        int pageSize = properties.historyPageSize();
        List<ChatMessage> found;
        ChatRoom room;
        try {
            room = rooms.bySlug(login.tokens(), roomSlug);
            found = forward
                    ? directus.messagesAfter(login.tokens(), room, from, pageSize + 1)
                    : directus.messagesBefore(login.tokens(), room, from, pageSize + 1);
        } catch (DirectusException e) {
            ModelAndView failed = new ModelAndView(
                    forward ? "chat/fragments :: newer" : "chat/fragments :: history", ChatController.failureStatus(e));
            failed.addObject("room", new ChatRoom(0, roomSlug, roomSlug, null, false));
            failed.addObject(next, from);
            failed.addObject("historyError", failureMessage(e, forward ? "newer" : "older"));
            return failed;
        }
        boolean more = found.size() > pageSize;
        List<ChatMessage> page = !more ? found : forward ? found.subList(0, pageSize) : found.subList(1, found.size());
        ZoneId zone = ClientTimeZone.of(request);
        People.Directory directory = people.current(login.tokens(), ChatController.mentioned(page));
        ModelAndView answer = new ModelAndView(forward ? "chat/fragments :: later" : "chat/fragments :: earlier");
        answer.addObject("room", room);
        answer.addObject(
                "messages",
                page.stream()
                        .map(m -> MessageFormatter.view(m, zone, directory::name))
                        .toList());
        answer.addObject(
                next,
                !more
                        ? null
                        : forward ? page.get(page.size() - 1).id() : page.get(0).id());
        return answer;
    }

    /** A plain browser GET (no htmx) goes to the room's page. */
    @GetMapping({"/messages", "/rooms/{slug}/messages"})
    ModelAndView earlierWithoutHtmx(@PathVariable(required = false) String slug, HttpServletRequest request) {
        if (request.getParameter("after") != null) {
            messageId(request.getParameterValues("after"), "after");
        } else {
            before(request.getParameterValues("before"));
        }
        return new ModelAndView(ChatController.toRoom(slug));
    }

    /** The {@code before} parameter: exactly one, a whole number from 1 to {@link ChatController#MAX_MESSAGE_ID}. */
    static long before(String[] values) {
        return messageId(values, "before");
    }

    /** A message id parameter ({@code name}): exactly one, a whole number from 1 to the largest id; else a 400. */
    static long messageId(String[] values, String name) {
        if (values != null && values.length > 1) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, name + " must be given once.");
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
                name + " must be a message id: a whole number from 1 to " + ChatController.MAX_MESSAGE_ID + ".");
    }

    private static String failureMessage(DirectusException e, String which) {
        if (e.isUnreachable() || e.status() >= 500) {
            return "Directus is unreachable, so " + which + " messages could not be loaded. Try again in a moment.";
        }
        if (e.isTokenRefused()) {
            return "Your session has ended. Reload the page to log in again.";
        }
        return "Directus does not allow you to read " + which + " messages.";
    }
}
