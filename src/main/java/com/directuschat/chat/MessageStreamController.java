package com.directuschat.chat;

import java.util.List;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import com.directuschat.auth.CurrentLogin;
import com.directuschat.auth.DirectusAuthentication;
import com.directuschat.directus.ChatMessage;
import com.directuschat.directus.DirectusClient;
import com.directuschat.directus.DirectusException;

/** {@code GET /messages/stream}: live messages as HTML fragments, after replaying what the tab missed. */
@RestController
class MessageStreamController {

    private final ChatSessions sessions;
    private final Fragments fragments;
    private final ChatProperties properties;
    private final DirectusClient directus;
    private final OnlineList online;

    MessageStreamController(ChatSessions sessions, Fragments fragments, ChatProperties properties, DirectusClient directus,
            OnlineList online) {
        this.sessions = sessions;
        this.fragments = fragments;
        this.properties = properties;
        this.directus = directus;
        this.online = online;
    }

    @GetMapping(path = "/messages/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter stream(@RequestParam(required = false) String since,
            @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId, HttpServletRequest request,
            HttpSession httpSession) {
        long position = Math.max(position(since, "since"), position(lastEventId, "Last-Event-ID"));
        long newest = newestReadableId(CurrentLogin.get());
        ChatSession session = sessions.of(httpSession, CurrentLogin.get().tokens());
        SseEmitter emitter = new SseEmitter(properties.streamTimeout().toMillis());
        MessageStream stream = new MessageStream(emitter, position, ClientTimeZone.of(request), fragments,
                properties.streamQueueCapacity(), sessions.streamWriter(), sessions.closer(), sessions.stats());
        if (newest >= 0) {
            // After a data reset the browser may be ahead of Directus; it then goes live without replay.
            stream.clampTo(newest);
        }
        emitter.onCompletion(() -> session.detach(stream));
        emitter.onTimeout(() -> session.detach(stream));
        emitter.onError(error -> session.detach(stream));
        session.attach(stream);
        // Rooms: the stream's own room instead of the default one.
        online.join(stream, emitter, CurrentLogin.get(), online.defaultRoom(CurrentLogin.get().tokens()));
        return emitter;
    }

    /**
     * The newest message id, or -1 when Directus cannot say right now. Directus decides who reads the chat:
     * without read access there is no stream (and no realtime session).
     */
    private long newestReadableId(DirectusAuthentication login) {
        try {
            List<ChatMessage> newest = directus.latestMessages(login.tokens(), 1);
            return newest.isEmpty() ? 0 : newest.get(0).id();
        }
        catch (DirectusException e) {
            if (e.isForbidden()) {
                throw new ResponseStatusException(HttpStatus.FORBIDDEN, "You don't have access to this chat.");
            }
            // Anything else (Directus down, session ended) is the stream's own business: it reports and retries.
            return -1;
        }
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
        }
        catch (NumberFormatException e) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, name + " must be a message id (a whole number)");
        }
    }
}
