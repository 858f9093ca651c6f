package com.directuschat.chat;

import com.directuschat.auth.ChatUser;
import com.directuschat.auth.DirectusAuthentication;
import com.directuschat.directus.ChatMessage;
import com.directuschat.directus.ChatRoom;
import com.directuschat.directus.DirectusClient;
import com.directuschat.directus.DirectusException;
import com.directuschat.directus.DirectusReadPositions;
import com.directuschat.ratelimit.RateLimitExceeded;
import com.directuschat.ratelimit.RateLimited;
import com.directuschat.web.ClientTimeZone;
import io.github.wimdeblauwe.htmx.spring.boot.mvc.HxRequest;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import jakarta.validation.Valid;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.validation.BindingResult;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.springframework.web.servlet.view.RedirectView;
import org.springframework.web.util.UriComponentsBuilder;

/** The rooms' pages and the send endpoint; a page and its htmx part share a URL, with a handler each. */
@Controller
class ChatController {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ChatController.class);

    /** Largest id we accept: Directus is JavaScript, and its ids are exact up to 2^53 - 1. */
    static final long MAX_MESSAGE_ID = 9_007_199_254_740_991L;

    private final DirectusClient directus;
    private final DirectusReadPositions readPositions;
    private final MessageCache cache;
    private final ChatProperties properties;
    private final Rooms rooms;
    private final ChatSessions sessions;
    private final OnlineList online;
    private final LocalFanOut fanOut;
    private final People people;

    ChatController(
            DirectusClient directus,
            DirectusReadPositions readPositions,
            MessageCache cache,
            ChatProperties properties,
            Rooms rooms,
            ChatSessions sessions,
            OnlineList online,
            LocalFanOut fanOut,
            People people) {
        this.fanOut = fanOut;
        this.people = people;
        this.directus = directus;
        this.readPositions = readPositions;
        this.cache = cache;
        this.properties = properties;
        this.rooms = rooms;
        this.sessions = sessions;
        this.online = online;
    }

    /**
     * A room's page. Opening a room reads it: its unread count clears, and the "unread" line marks where the reader
     * had left off. {@code /} is the default room's.
     */
    @GetMapping({"/", "/rooms/{slug}"})
    ModelAndView room(
            @PathVariable(required = false) String slug,
            DirectusAuthentication login,
            HttpServletRequest request,
            HttpSession httpSession) {
        return room("chat/page", slug, login, request, httpSession);
    }

    /** The same for htmx (a click in the room list): the app element alone, which it swaps in and whose URL it pushes. */
    @HxRequest
    @GetMapping({"/", "/rooms/{slug}"})
    ModelAndView roomApp(
            @PathVariable(required = false) String slug,
            DirectusAuthentication login,
            HttpServletRequest request,
            HttpSession httpSession) {
        return room("chat/page :: app", slug, login, request, httpSession);
    }

    private ModelAndView room(
            String view,
            String slug,
            DirectusAuthentication login,
            HttpServletRequest request,
            HttpSession httpSession) {
        ModelAndView page = new ModelAndView(view);
        page.addObject("user", login.getPrincipal());
        ChatSession session =
                sessions.of(httpSession, login.tokens(), login.getPrincipal().id());
        // ?around=<id> (a search result's link): the room opened at that message.
        String[] aroundValues = request.getParameterValues("around");
        Long around = aroundValues == null ? null : MessageHistoryController.messageId(aroundValues, "around");
        ChatRoom room;
        MessageWindow window;
        List<ChatRoom> all;
        Map<Long, Long> positions;
        Map<Long, Integer> unread;
        Map<Long, Integer> mentions;
        try {
            room = rooms.bySlug(login.tokens(), slug == null ? Rooms.DEFAULT_SLUG : slug);
            all = rooms.all(login.tokens());
            window = around == null
                    ? MessageWindow.latest(directus, login.tokens(), room, properties.historySize())
                    : MessageWindow.around(directus, login.tokens(), room, around, properties.historyPageSize() / 2);
            positions = new java.util.HashMap<>(readPositions.readPositions(
                    login.tokens(), login.getPrincipal().id()));
            // This login may be ahead of Directus by a position it has not written yet.
            session.readPositions().forEach((id, at) -> positions.merge(id, at, Math::max));
            unread = readPositions.unreadCounts(login.tokens(), all, positions);
            mentions = readPositions.unreadContaining(
                    login.tokens(), all, positions, "<@" + login.getPrincipal().id() + ">");
        } catch (DirectusException e) {
            return unavailable(e, request);
        }
        List<ChatMessage> history = window.messages();
        long lastId = window.position();
        // A room never opened before has no line: everything in it is new, and the newest is what to show.
        Long readUpTo = positions.get(room.id());
        session.unreadFromDirectus(unread, mentions, positions, room, lastId);
        ZoneId zone = ClientTimeZone.of(request);
        People.Directory directory = people.current(login.tokens(), mentioned(history));
        page.addObject("room", room);
        page.addObject("rooms", Rooms.links(all, unread, mentions, room, request.getContextPath()));
        page.addObject(
                "messages",
                history.stream()
                        .map(m -> MessageFormatter.view(m, zone, directory::name))
                        .toList());
        page.addObject(
                "unreadFrom",
                readUpTo == null
                        ? null
                        : firstUnread(history, readUpTo, login.getPrincipal().id()));
        page.addObject("lastId", lastId);
        // How far below since= the page lists what it shows when it opens its stream (chat.js).
        page.addObject("overlap", properties.backfillOverlap());
        page.addObject("historyBefore", window.historyBefore());
        page.addObject("newerAfter", window.newerAfter());
        page.addObject("aroundId", around);
        page.addObject("aroundMissing", around != null && history.stream().noneMatch(m -> m.id() == around));
        // The stand-in default room (id 0: Directus has none) has no presence.
        page.addObject("online", online.names(room.id() == 0 ? null : room.id()));
        return page;
    }

    /** The user ids the messages mention. */
    static java.util.Set<String> mentioned(List<ChatMessage> messages) {
        java.util.Set<String> ids = new java.util.HashSet<>();
        messages.forEach(m -> ids.addAll(Mentions.ids(m.content())));
        return ids;
    }

    /** The id of the first message by someone else above the read position: the "unread" line goes above it. */
    static Long firstUnread(List<ChatMessage> history, long readUpTo, String userId) {
        return history.stream()
                .filter(m -> m.id() > readUpTo && !userId.equals(m.authorId()))
                .map(ChatMessage::id)
                .findFirst()
                .orElse(null);
    }

    /**
     * A redirect to a room's page (null: the default room's). The slug is encoded as one path segment and nothing in
     * it is read as a URI template: {@code {x}} in a view name {@code redirect:/rooms/{x}} was a 500.
     */
    static RedirectView toRoom(String slug) {
        String path = slug == null || Rooms.DEFAULT_SLUG.equals(slug)
                ? "/"
                : UriComponentsBuilder.fromPath("/rooms/{slug}")
                        .encode()
                        .buildAndExpand(slug)
                        .toUriString();
        RedirectView redirect = new RedirectView(path, true);
        redirect.setExpandUriTemplateVariables(false);
        return redirect;
    }

    /**
     * htmx gets a plain 204 when Directus stored the message (no view to render), or the error line with a 4xx/5xx;
     * the composer is never replaced, so text typed while the post is under way stays (chat.js removes only what was
     * sent).
     */
    @HxRequest
    @PostMapping({"/messages", "/rooms/{slug}/messages"})
    @RateLimited(RateLimited.Limit.SEND)
    ModelAndView send(
            @PathVariable(required = false) String slug,
            @Valid MessageForm form,
            BindingResult errors,
            DirectusAuthentication login,
            HttpServletRequest request,
            jakarta.servlet.http.HttpServletResponse response) {
        Refusal refusal = post(slug, form, errors, request, login);
        if (refusal == null) {
            // A null ModelAndView: the request is handled, nothing is rendered.
            response.setStatus(HttpStatus.NO_CONTENT.value());
            return null;
        }
        ModelAndView error = new ModelAndView("chat/fragments :: send-error", refusal.status());
        error.addObject("sendError", refusal.problem());
        return error;
    }

    /** Without JavaScript: back to the room, with the problem and the text kept in the box. */
    @PostMapping({"/messages", "/rooms/{slug}/messages"})
    @RateLimited(RateLimited.Limit.SEND)
    ModelAndView sendForm(
            @PathVariable(required = false) String slug,
            @Valid MessageForm form,
            BindingResult errors,
            DirectusAuthentication login,
            HttpServletRequest request,
            RedirectAttributes redirect) {
        Refusal refusal = post(slug, form, errors, request, login);
        if (refusal != null) {
            redirect.addFlashAttribute("draft", request.getParameter("content"));
            redirect.addFlashAttribute("sendError", refusal.problem());
        }
        return new ModelAndView(toRoom(slug));
    }

    /**
     * A send over the session's limit: htmx gets the error line (the composer and its text stay), a plain form a
     * page saying so with the text kept for the way back.
     */
    @ExceptionHandler
    ModelAndView sendingTooFast(RateLimitExceeded refused, HttpServletRequest request) {
        boolean htmx = "true".equals(request.getHeader("HX-Request"));
        ModelAndView answer = new ModelAndView(
                htmx ? "chat/fragments :: send-error" : "chat/rate-limited", HttpStatus.TOO_MANY_REQUESTS);
        answer.addObject("draft", request.getParameter("content"));
        answer.addObject(
                "sendError",
                "You are sending messages too fast. Wait " + refused.waitText()
                        + " and send again; your message is still in the box.");
        return answer;
    }

    /** Why a post was not stored, or null when it was. */
    private Refusal post(
            String slug,
            MessageForm form,
            BindingResult errors,
            HttpServletRequest request,
            DirectusAuthentication login) {
        String problem = MessageForm.problem(request, errors, "Send one message at a time.");
        if (problem != null) {
            return new Refusal(HttpStatus.UNPROCESSABLE_CONTENT, problem);
        }
        try {
            // The create's answer is the message: this instance's tabs (and, with Redis, the other instances') get it
            // at once; Directus's event for it then needs no read and only confirms it.
            ChatRoom room = rooms.bySlug(login.tokens(), slug == null ? Rooms.DEFAULT_SLUG : slug);
            String text = Mentions.resolve(
                    form.text(), () -> people.current(login.tokens()).people(), picked(request));
            ChatUser author = login.getPrincipal();
            ChatMessage created = cache.create(() -> author.namesKnown()
                    ? directus.createMessage(
                            login.tokens(), room, text, author.id(), author.firstName(), author.lastName())
                    : directus.createMessage(login.tokens(), room, text));
            // The author's typing line goes as their message arrives.
            online.sent(author.id(), room.id());
            fanOut.created(created);
            return null;
        } catch (DirectusException e) {
            HttpStatus status = failureStatus(e);
            sessions.metrics()
                    .sendFailed(
                            status == HttpStatus.SERVICE_UNAVAILABLE
                                    ? "unavailable"
                                    : status == HttpStatus.UNAUTHORIZED ? "session-ended" : "refused");
            return new Refusal(status, sendFailureMessage(e));
        }
    }

    /**
     * The ids the composer's suggestions picked ({@code mentions}, comma-separated, sent by chat.js): they decide
     * between people who share a name. Anything else in the field is ignored.
     */
    static java.util.Set<String> picked(HttpServletRequest request) {
        String[] values = request.getParameterValues("mentions");
        java.util.Set<String> ids = new java.util.HashSet<>();
        if (values != null) {
            for (String value : values) {
                for (String id : value.split(",", 50)) {
                    if (Mentions.TOKEN.matcher("<@" + id.strip() + ">").matches()) {
                        ids.add(id.strip());
                    }
                }
            }
        }
        return ids;
    }

    private record Refusal(HttpStatus status, String problem) {}

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
        // Directus's own words are for the log, not for the user.
        log.info("Directus refused a message: {} {}", e.status(), e.getMessage());
        return "Directus did not accept this message, so it was not sent. It is still in the box.";
    }

    private static ModelAndView unavailable(DirectusException e, HttpServletRequest request) {
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
