package com.directuschat.chat;

import com.directuschat.auth.ChatUser;
import com.directuschat.auth.DirectusAuthentication;
import com.directuschat.presence.Presence;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The "Online" list and the typing line of each tab: a tab's stream puts its user in {@link Presence} for the
 * stream's room while it is open, gets the room's list and typing line when it opens, and an {@code online} event
 * (the list, rendered once per change) or a {@code typing} event (the line without the tab's own user, rendered once
 * per distinct line) whenever they change. It also passes on the signals that make the typing line: someone types,
 * someone sent their message.
 */
@Component
class OnlineList {

    private static final Logger log = LoggerFactory.getLogger(OnlineList.class);

    private final Presence presence;
    private final Fragments fragments;
    private final Map<MessageStream, Tab> streams = new ConcurrentHashMap<>();

    private record Tab(long room, String userId) {}

    OnlineList(Presence presence, Fragments fragments) {
        this.presence = presence;
        this.fragments = fragments;
        presence.onChange(this::changed);
        presence.onTyping(this::typingChanged);
    }

    /** Who is online in the room, for the page; empty without a room. */
    List<String> names(Long room) {
        return room == null ? List.of() : presence.online(room);
    }

    /**
     * The stream's user is online in the room until the stream ends; the tab gets the list now and on every change.
     * Call before the emitter is returned, so that its end is always seen.
     */
    void join(MessageStream stream, SseEmitter emitter, DirectusAuthentication login, Long room) {
        if (room == null) {
            return;
        }
        try {
            enter(stream, emitter, login, room);
        } catch (RuntimeException e) {
            // Messages flow without it.
            log.warn("Could not show this tab as online: {}", e.toString());
        }
    }

    /** The user is typing in the room (room 0, the stand-in default room, has no presence). */
    void typing(ChatUser user, long room) {
        if (room != 0) {
            presence.typing(user.id(), user.displayName(), room);
        }
    }

    /** The user's message in the room was stored: their name leaves the typing line at once. */
    void sent(String userId, long room) {
        if (room == 0) {
            return;
        }
        try {
            presence.stoppedTyping(userId, room);
        } catch (RuntimeException e) {
            log.warn("Could not end the typing line: {}", e.toString());
        }
    }

    private void enter(MessageStream stream, SseEmitter emitter, DirectusAuthentication login, long room) {
        ChatUser user = login.getPrincipal();
        Presence.Handle handle = presence.enter(user.id(), user.displayName(), room);
        Runnable leave = () -> {
            streams.remove(stream);
            handle.leave();
        };
        emitter.onCompletion(leave);
        emitter.onTimeout(leave);
        emitter.onError(error -> leave.run());
        synchronized (this) {
            streams.put(stream, new Tab(room, user.id()));
            stream.online(fragments.online(presence.online(room)));
            stream.event("typing", fragments.typing(typingLine(presence.typing(room), user.id())));
        }
    }

    /** Rendered and queued under one lock: whichever render comes last has the newest list, on every tab. */
    private synchronized void changed(long room) {
        String html = null;
        for (Map.Entry<MessageStream, Tab> entry : streams.entrySet()) {
            if (entry.getValue().room() == room) {
                if (html == null) {
                    html = fragments.online(presence.online(room));
                }
                entry.getKey().online(html);
            }
        }
    }

    private synchronized void typingChanged(long room) {
        List<Presence.Typist> typists = presence.typing(room);
        Map<String, String> rendered = new HashMap<>();
        for (Map.Entry<MessageStream, Tab> entry : streams.entrySet()) {
            if (entry.getValue().room() == room) {
                String line = typingLine(typists, entry.getValue().userId());
                entry.getKey().event("typing", rendered.computeIfAbsent(line, fragments::typing));
            }
        }
    }

    /**
     * What the tab of {@code viewer} says about who is typing: "Alice Example is typing…", "Alice Example and Bob
     * Example are typing…", "Several people are typing…", or nothing; never the viewer themselves.
     */
    static String typingLine(List<Presence.Typist> typists, String viewer) {
        List<String> names = typists.stream()
                .filter(t -> !t.userId().equals(viewer))
                .map(Presence.Typist::name)
                .toList();
        return switch (names.size()) {
            case 0 -> "";
            case 1 -> names.get(0) + " is typing…";
            case 2 -> names.get(0) + " and " + names.get(1) + " are typing…";
            default -> "Several people are typing…";
        };
    }
}
