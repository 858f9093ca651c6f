package com.directuschat.chat;

import java.time.ZoneId;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import com.directuschat.auth.CurrentLogin;
import com.directuschat.auth.DirectusAuthentication;
import com.directuschat.directus.ChatMessage;
import com.directuschat.directus.ChatRoom;
import com.directuschat.directus.DirectusClient;
import com.directuschat.directus.DirectusException;

import io.github.wimdeblauwe.htmx.spring.boot.mvc.HtmxRequest;

/** The rooms' pages, older history, and the send endpoint. */
@Controller
class ChatController {

    /** Largest id we accept: Directus is JavaScript, and its ids are exact up to 2^53 - 1. */
    static final long MAX_MESSAGE_ID = 9_007_199_254_740_991L;

    private final DirectusClient directus;
    private final MessageCache cache;
    private final ChatProperties properties;
    private final Rooms rooms;
    private final ChatSessions sessions;
    private final OnlineList online;

    ChatController(DirectusClient directus, MessageCache cache, ChatProperties properties, Rooms rooms,
            ChatSessions sessions, OnlineList online) {
        this.directus = directus;
        this.cache = cache;
        this.properties = properties;
        this.rooms = rooms;
        this.sessions = sessions;
        this.online = online;
    }

    @GetMapping("/")
    ModelAndView home(HttpServletRequest request, HttpServletResponse response, HttpSession httpSession,
            HtmxRequest htmx) {
        return room(Rooms.DEFAULT_SLUG, request, response, httpSession, htmx);
    }

    /**
     * A room's page; htmx (a click in the room list) gets the app element alone, which it swaps in and whose URL
     * it pushes. Opening a room reads it: its unread count clears, and the "unread" line marks where the reader
     * had left off.
     */
    @GetMapping("/rooms/{slug}")
    ModelAndView room(@PathVariable String slug, HttpServletRequest request, HttpServletResponse response,
            HttpSession httpSession, HtmxRequest htmx) {
        DirectusAuthentication login = CurrentLogin.get();
        ModelAndView page = new ModelAndView(htmx.isHtmxRequest() && !htmx.isHistoryRestoreRequest()
                ? "chat/page :: app" : "chat/page");
        page.addObject("user", login.getPrincipal());
        ChatSession session = sessions.of(httpSession, login.tokens(), login.getPrincipal().id());
        ChatRoom room;
        List<ChatMessage> history;
        List<ChatRoom> all;
        Map<Long, Long> positions;
        Map<Long, Integer> unread;
        try {
            room = room(login, slug);
            all = rooms.all(login.tokens());
            // One more than shown: whether there is anything older decides between the button and "the beginning".
            history = directus.latestMessages(login.tokens(), room, properties.historySize() + 1);
            positions = new java.util.HashMap<>(directus.readPositions(login.tokens(), login.getPrincipal().id()));
            // This login may be ahead of Directus by a position it has not written yet.
            session.readPositions().forEach((id, at) -> positions.merge(id, at, Math::max));
            unread = directus.unreadCounts(login.tokens(), all, positions);
        }
        catch (DirectusException e) {
            return unavailable(e, request, response);
        }
        boolean older = history.size() > properties.historySize();
        if (older) {
            history = history.subList(1, history.size());
        }
        long lastId = history.isEmpty() ? 0 : history.get(history.size() - 1).id();
        // A room never opened before has no line: everything in it is new, and the newest is what to show.
        Long readUpTo = positions.get(room.id());
        session.unreadFromDirectus(unread, positions, room, lastId);
        ZoneId zone = ClientTimeZone.of(request);
        page.addObject("room", room);
        page.addObject("rooms", Rooms.links(all, unread, room, request.getContextPath()));
        page.addObject("messages", history.stream().map(m -> MessageFormatter.view(m, zone)).toList());
        page.addObject("unreadFrom", readUpTo == null ? null : firstUnread(history, readUpTo, login.getPrincipal().id()));
        page.addObject("lastId", lastId);
        page.addObject("historyBefore", older ? history.get(0).id() : null);
        // The stand-in default room (id 0: Directus has none) has no presence.
        page.addObject("online", online.names(room.id() == 0 ? null : room.id()));
        return page;
    }

    /** The id of the first message by someone else above the read position: the "unread" line goes above it. */
    static Long firstUnread(List<ChatMessage> history, long readUpTo, String userId) {
        return history.stream().filter(m -> m.id() > readUpTo && !userId.equals(m.authorId()))
                .map(ChatMessage::id).findFirst().orElse(null);
    }

    /**
     * "Load earlier messages": the {@code chat.history-page-size} messages below {@code before} (an id), oldest
     * first, inserted above the list out of band, and the history line again, pointing further back or saying
     * that this is the beginning. Keyset paging by id, so nothing is skipped or repeated however much is posted
     * meanwhile. A plain browser GET (no htmx) goes to the page.
     */
    @GetMapping({ "/messages", "/rooms/{slug}/messages" })
    ModelAndView earlier(@PathVariable(required = false) String slug, HttpServletRequest request,
            HttpServletResponse response, HtmxRequest htmx) {
        long before = before(request.getParameterValues("before"));
        String roomSlug = slug == null ? Rooms.DEFAULT_SLUG : slug;
        if (!htmx.isHtmxRequest()) {
            return new ModelAndView("redirect:" + roomPath(roomSlug));
        }
        int pageSize = properties.historyPageSize();
        List<ChatMessage> found;
        ChatRoom room;
        try {
            room = room(CurrentLogin.get(), roomSlug);
            found = directus.messagesBefore(CurrentLogin.get().tokens(), room, before, pageSize + 1);
        }
        catch (DirectusException e) {
            ModelAndView failed = new ModelAndView("chat/fragments :: history", failureStatus(e));
            failed.addObject("room", new ChatRoom(0, roomSlug, roomSlug, null, false));
            failed.addObject("historyBefore", before);
            failed.addObject("historyError", historyFailureMessage(e));
            return failed;
        }
        boolean older = found.size() > pageSize;
        List<ChatMessage> page = older ? found.subList(found.size() - pageSize, found.size()) : found;
        ZoneId zone = ClientTimeZone.of(request);
        ModelAndView answer = new ModelAndView("chat/fragments :: earlier");
        answer.addObject("room", room);
        answer.addObject("messages", page.stream().map(m -> MessageFormatter.view(m, zone)).toList());
        answer.addObject("historyBefore", older ? page.get(0).id() : null);
        return answer;
    }

    /** The room with this slug; a slug that cannot be one is a 400, one that names no room a 404. */
    private ChatRoom room(DirectusAuthentication login, String slug) {
        if (slug == null || !Rooms.SLUG.matcher(slug).matches()) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST,
                    "A room address is made of lowercase letters, digits and dashes (up to 64).");
        }
        return rooms.find(login.tokens(), slug).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND,
                "There is no room called \"" + slug + "\". Pick one from the list of rooms."));
    }

    static String roomPath(String slug) {
        return Rooms.DEFAULT_SLUG.equals(slug) ? "/" : "/rooms/" + slug;
    }

    /** The {@code before} parameter: exactly one, a whole number from 1 to {@link #MAX_MESSAGE_ID}. */
    static long before(String[] values) {
        if (values != null && values.length > 1) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "before must be given once.");
        }
        String value = values == null ? null : values[0];
        if (value != null && value.matches("[0-9]{1,16}")) {
            long id = Long.parseLong(value);
            if (id >= 1 && id <= MAX_MESSAGE_ID) {
                return id;
            }
        }
        throw new ResponseStatusException(HttpStatus.BAD_REQUEST,
                "before must be a message id: a whole number from 1 to " + MAX_MESSAGE_ID + ".");
    }

    private static String historyFailureMessage(DirectusException e) {
        if (e.isUnreachable() || e.status() >= 500) {
            return "Directus is unreachable, so older messages could not be loaded. Try again in a moment.";
        }
        if (e.isTokenRefused()) {
            return "Your session has ended. Reload the page to log in again.";
        }
        return "Directus does not allow you to read older messages.";
    }

    /**
     * htmx gets 204 when Directus stored the message, or the error line with a 4xx/5xx; the composer is never
     * replaced, so text typed while the post is under way stays (chat.js removes only what was sent).
     */
    @PostMapping({ "/messages", "/rooms/{slug}/messages" })
    ModelAndView send(@PathVariable(required = false) String slug, HttpServletRequest request, HtmxRequest htmx,
            RedirectAttributes redirect) {
        String roomSlug = slug == null ? Rooms.DEFAULT_SLUG : slug;
        String[] values = request.getParameterValues("content");
        String content = values == null ? null : values[0];
        String problem = values != null && values.length > 1 ? "Send one message at a time."
                : MessageDraft.problem(content, properties.maxMessageLength());
        HttpStatus status = HttpStatus.UNPROCESSABLE_CONTENT;
        if (problem == null) {
            try {
                // The sender sees the message once, from the subscription, like everyone else; its event then
                // needs no read, since the create's answer is the message.
                String text = content.strip();
                ChatRoom room = room(CurrentLogin.get(), roomSlug);
                cache.create(() -> directus.createMessage(CurrentLogin.get().tokens(), room, text));
                return htmx.isHtmxRequest() ? new ModelAndView("chat/fragments :: sent", HttpStatus.NO_CONTENT)
                        : new ModelAndView("redirect:" + roomPath(roomSlug));
            }
            catch (DirectusException e) {
                status = failureStatus(e);
                problem = sendFailureMessage(e);
                sessions.metrics().sendFailed(status == HttpStatus.SERVICE_UNAVAILABLE ? "unavailable"
                        : status == HttpStatus.UNAUTHORIZED ? "session-ended" : "refused");
            }
        }
        if (!htmx.isHtmxRequest()) {
            redirect.addFlashAttribute("draft", content);
            redirect.addFlashAttribute("sendError", problem);
            return new ModelAndView("redirect:" + roomPath(roomSlug));
        }
        ModelAndView error = new ModelAndView("chat/fragments :: send-error", status);
        error.addObject("sendError", problem);
        return error;
    }

    /** Status of a Directus failure, for a send, an edit, a delete or older history. */
    static HttpStatus failureStatus(DirectusException e) {
        if (e.isUnreachable() || e.status() >= 500) {
            return HttpStatus.SERVICE_UNAVAILABLE;
        }
        return e.isTokenRefused() ? HttpStatus.UNAUTHORIZED : HttpStatus.FORBIDDEN;
    }

    private static String sendFailureMessage(DirectusException e) {
        if (e.isUnreachable() || e.status() >= 500) {
            return "Directus is unreachable, so your message was not sent. It is still in the box; try again in a moment.";
        }
        if (e.isTokenRefused()) {
            return "Your session has ended. Log in again; your message is kept in this tab.";
        }
        if (e.isForbidden()) {
            return "Directus does not allow you to post in this chat.";
        }
        return "Directus refused the message: " + e.getMessage();
    }

    private ModelAndView unavailable(DirectusException e, HttpServletRequest request, HttpServletResponse response) {
        if (e.isTokenRefused()) {
            request.getSession().invalidate();
            return new ModelAndView("redirect:/login?expired");
        }
        if (e.isForbidden()) {
            return new ModelAndView("chat/no-access", HttpStatus.FORBIDDEN);
        }
        ModelAndView page = new ModelAndView("chat/unavailable", HttpStatus.SERVICE_UNAVAILABLE);
        page.addObject("problem", "The chat cannot reach Directus right now.");
        return page;
    }
}
