package com.directuschat.chat;

import com.directuschat.auth.DirectusAuthentication;
import com.directuschat.directus.ChatMessage;
import com.directuschat.directus.ChatRoom;
import com.directuschat.directus.DirectusClient;
import com.directuschat.directus.DirectusException;
import com.directuschat.ratelimit.RateLimitExceeded;
import com.directuschat.ratelimit.RateLimited;
import com.directuschat.web.ClientTimeZone;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.util.Arrays;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/** {@code GET /rooms/{slug}/stream}: a room's live messages as HTML fragments, after replaying what the tab missed. */
@RestController
class MessageStreamController {

    private final ChatSessions sessions;
    private final Fragments fragments;
    private final ChatProperties properties;
    private final DirectusClient directus;
    private final Rooms rooms;
    private final OnlineList online;

    MessageStreamController(
            ChatSessions sessions,
            Fragments fragments,
            ChatProperties properties,
            DirectusClient directus,
            Rooms rooms,
            OnlineList online) {
        this.rooms = rooms;
        this.sessions = sessions;
        this.fragments = fragments;
        this.properties = properties;
        this.directus = directus;
        this.online = online;
    }

    /** A room's stream; {@code /messages/stream} is the default room's. */
    @GetMapping(
            path = {"/messages/stream", "/rooms/{slug}/stream"},
            produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @RateLimited(RateLimited.Limit.STREAM)
    SseEmitter stream(
            @PathVariable(required = false) String slug,
            @RequestParam(required = false) String since,
            @RequestParam(required = false) String page,
            @RequestParam(required = false) String shown,
            @RequestParam(required = false) String oldest,
            @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId,
            DirectusAuthentication login,
            HttpServletRequest request,
            HttpSession httpSession) {
        long lastSeen = position(lastEventId, "Last-Event-ID");
        long position = Math.max(position(since, "since"), lastSeen);
        // Every parameter is checked before anything is opened for the stream.
        String pageId = pageId(page);
        List<Long> shownIds = shownIds(shown);
        long oldestShown = position(oldest, "oldest");
        ChatRoom room = room(login, slug == null ? Rooms.DEFAULT_SLUG : slug);
        long newest = newestReadableId(login, room);
        if (!sessions.acceptsStreams()) {
            // This instance is stopping (checked after the parameters, which are refused alike): the browser's
            // reconnect goes to another one (or to this one restarted).
            throw new ResponseStatusException(
                    HttpStatus.SERVICE_UNAVAILABLE, "This server is restarting; reconnecting.");
        }
        ChatSession session =
                sessions.of(httpSession, login.tokens(), login.getPrincipal().id());
        SseEmitter emitter = new SseEmitter(properties.streamTimeout().toMillis());
        MessageStream stream = new MessageStream(
                        room,
                        emitter,
                        position,
                        ClientTimeZone.of(request),
                        fragments,
                        properties.streamQueueCapacity(),
                        sessions.streamWriter(),
                        sessions.closer(),
                        sessions.metrics())
                .fromPage(pageId);
        if (newest >= 0) {
            // After a data reset the browser may be ahead of Directus; it then goes live without replay.
            stream.clampTo(newest);
        }
        if (shownIds != null && lastSeen == 0) {
            // The page's own list of what it shows near since= (oldest=: its first message, when it has not loaded
            // the room back to the beginning). With Last-Event-ID, the browser reconnected on its own to the URL it
            // first opened: that list is older than what the page received since.
            stream.shown(properties.backfillOverlap(), oldestShown, shownIds);
        }
        stream.viewer(login.getPrincipal().id());
        emitter.onCompletion(() -> session.detach(stream));
        // The stream's time is up (chat.stream-timeout): end it here, so Spring does not turn the timeout into an
        // AsyncRequestTimeoutException (two WARN lines per tab and recycle); the browser reconnects by itself.
        emitter.onTimeout(() -> {
            session.detach(stream);
            emitter.complete();
        });
        emitter.onError(error -> session.detach(stream));
        sessions.streamOpened(session);
        session.attach(stream);
        if (!sessions.acceptsStreams()) {
            // The drain started while this stream was being set up and may have missed it.
            session.shutdown();
        }
        // Rooms: the stream's own room instead of the default one.
        online.join(stream, emitter, login, room.id() == 0 ? null : room.id());
        return emitter;
    }

    /** One tab too many for this login: a line of text (an EventSource shows none, but a person reading it does). */
    @ExceptionHandler
    ResponseEntity<String> tooManyTabs(RateLimitExceeded refused) {
        return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
                .contentType(new MediaType(MediaType.TEXT_PLAIN, java.nio.charset.StandardCharsets.UTF_8))
                .body("Too many open chat tabs: at most " + refused.allowed() + " per login. Close some and reload.\n");
    }

    /**
     * The newest message id, or -1 when Directus cannot say right now. Directus decides who reads the chat:
     * without read access there is no stream (and no realtime session).
     */
    private long newestReadableId(DirectusAuthentication login, ChatRoom room) {
        try {
            List<ChatMessage> newest = directus.latestMessages(login.tokens(), room, 1);
            return newest.isEmpty() ? 0 : newest.get(0).id();
        } catch (DirectusException e) {
            if (e.isForbidden()) {
                throw new ResponseStatusException(HttpStatus.FORBIDDEN, "You don't have access to this chat.");
            }
            // Anything else (Directus down, session ended) is the stream's own business: it reports and retries.
            return -1;
        }
    }

    /**
     * The stream's room. When Directus cannot be asked right now, the stream still opens (it reports and
     * retries like any other): a known slug is taken from the rooms known, anything else is the default room.
     */
    private ChatRoom room(DirectusAuthentication login, String slug) {
        if (!Rooms.SLUG.matcher(slug).matches()) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "No such room");
        }
        try {
            return rooms.find(login.tokens(), slug)
                    .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "No such room"));
        } catch (DirectusException e) {
            if (e.isForbidden()) {
                throw new ResponseStatusException(HttpStatus.FORBIDDEN, "You don't have access to this chat.");
            }
            return rooms.known().stream()
                    .filter(r -> r.slug().equals(slug))
                    .findFirst()
                    .orElseGet(() -> rooms.known().stream()
                            .filter(ChatRoom::isDefault)
                            .findFirst()
                            .orElse(new ChatRoom(0, Rooms.DEFAULT_SLUG, "General", null, true)));
        }
    }

    /** The page's id (chat.js makes one per document), or null; anything else is a 400. */
    static String pageId(String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        if (!value.matches("[A-Za-z0-9_-]{1,64}")) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "page must be up to 64 letters, digits, _ or -");
        }
        return value;
    }

    /**
     * The ids the page shows among the overlap below {@code since=} (chat.js sends them, comma-separated), or null
     * when it does not say; anything but whole numbers is a 400.
     */
    static List<Long> shownIds(String value) {
        if (value == null) {
            return null;
        }
        if (!value.matches("(\\d{1,16}(,\\d{1,16})*)?")) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "shown must be message ids separated by commas");
        }
        return value.isEmpty()
                ? List.of()
                : Arrays.stream(value.split(",")).map(Long::valueOf).toList();
    }

    /** A message id the browser has seen; absent means "nothing yet". */
    static long position(String value, String name) {
        if (value == null || value.isBlank()) {
            return 0;
        }
        try {
            long id = Long.parseLong(value.trim());
            if (id < 0) {
                throw new NumberFormatException();
            }
            return id;
        } catch (NumberFormatException e) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, name + " must be a message id (a whole number)");
        }
    }
}
