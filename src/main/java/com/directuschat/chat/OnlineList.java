package com.directuschat.chat;

import com.directuschat.auth.ChatUser;
import com.directuschat.auth.DirectusAuthentication;
import com.directuschat.presence.Presence;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The "Online" list of each tab: a tab's stream puts its user in {@link Presence} for the stream's room while it is
 * open, gets the room's list when it opens, and an {@code online} event (the list, rendered once per change) whenever
 * the list changes.
 */
@Component
class OnlineList {

    private static final Logger log = LoggerFactory.getLogger(OnlineList.class);

    private final Presence presence;
    private final Fragments fragments;
    private final Map<MessageStream, Long> streams = new ConcurrentHashMap<>();

    OnlineList(Presence presence, Fragments fragments) {
        this.presence = presence;
        this.fragments = fragments;
        presence.onChange(this::changed);
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

    private void enter(MessageStream stream, SseEmitter emitter, DirectusAuthentication login, long room) {
        ChatUser user = login.getPrincipal();
        Presence.Handle handle = presence.enter(login.tokens(), user.id(), user.displayName(), room);
        Runnable leave = () -> {
            streams.remove(stream);
            handle.leave();
        };
        emitter.onCompletion(leave);
        emitter.onTimeout(leave);
        emitter.onError(error -> leave.run());
        synchronized (this) {
            streams.put(stream, room);
            stream.online(fragments.online(presence.online(room)));
        }
    }

    /** Rendered and queued under one lock: whichever render comes last has the newest list, on every tab. */
    private synchronized void changed(long room) {
        String html = null;
        for (Map.Entry<MessageStream, Long> entry : streams.entrySet()) {
            if (entry.getValue() == room) {
                if (html == null) {
                    html = fragments.online(presence.online(room));
                }
                entry.getKey().online(html);
            }
        }
    }
}
