package com.directuschat.chat;

import com.directuschat.directus.ChatMessage;
import com.directuschat.directus.RealtimeSession;
import com.directuschat.web.HtmlRenderer;
import com.directuschat.web.SessionEndedResponses;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import jakarta.servlet.ServletContext;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.ModelAndView;

/**
 * The fragments of SSE events: the views the pages and htmx answers use, rendered by {@link HtmlRenderer} with the
 * model {@link ViewerModel} gives them in a request. A live message goes to every open tab:
 * it is rendered once per time zone (and day, since "today" shows the time only) and per "is it the viewer's own"
 * (which decides the Edit and Delete buttons), not once per tab.
 */
@Component
class Fragments {

    private final HtmlRenderer renderer;
    private final String contextPath;
    private final String messagesUrl;
    private final Cache<RenderKey, String> rendered = Caffeine.newBuilder()
            .maximumSize(5_000)
            .expireAfterAccess(Duration.ofMinutes(5))
            .build();
    private final Cache<List<Rooms.RoomLink>, String> roomLists = Caffeine.newBuilder()
            .maximumSize(1_000)
            .expireAfterAccess(Duration.ofMinutes(5))
            .build();

    private final People people;

    Fragments(HtmlRenderer renderer, ServletContext servletContext, People people) {
        this.people = people;
        this.renderer = renderer;
        this.contextPath = servletContext.getContextPath();
        this.messagesUrl = ViewerModel.messagesUrl(contextPath);
    }

    String message(ChatMessage message, ZoneId zone) {
        return message(message, zone, null);
    }

    /**
     * The message as {@code viewerId} (a Directus user id; null: nobody) sees it: with Edit and Delete if theirs,
     * and their mentions marked if it mentions them.
     */
    String message(ChatMessage message, ZoneId zone, String viewerId) {
        return rendered(message, zone, viewerId, false);
    }

    /** The same, out of band: it replaces {@code #m-<id>} where the page shows it (an edit). */
    String changed(ChatMessage message, ZoneId zone, String viewerId) {
        return rendered(message, zone, viewerId, true);
    }

    /** Out-of-band deletes of {@code #m-<id>} for each id (ids are numbers: nothing to escape). */
    String deleted(List<Long> ids) {
        return ids.stream()
                .map(id -> "<li id=\"m-" + id + "\" hx-swap-oob=\"delete\"></li>")
                .collect(Collectors.joining());
    }

    String message(MessageView message) {
        return message(message, false, null, false);
    }

    /**
     * Rendered once per time zone, day, "own or not", "mentions the viewer or not" and people directory version
     * (names come from the cached directory: no Directus call on the live path).
     */
    private String rendered(ChatMessage message, ZoneId zone, String viewerId, boolean oob) {
        boolean own = own(message, viewerId);
        String mentioned = Mentions.mentions(message.content(), viewerId) ? viewerId : null;
        People.Directory directory = people.cached();
        long version = Mentions.ids(message.content()).isEmpty() ? 0 : directory.version();
        return rendered.get(
                new RenderKey(message, zone, LocalDate.now(zone), own, mentioned, version, oob),
                key -> message(MessageFormatter.view(message, zone, directory::name), own, mentioned, oob));
    }

    private String message(MessageView message, boolean own, String mentioned, boolean oob) {
        ModelAndView view = new ModelAndView("chat/fragments :: message");
        view.addObject("m", message);
        // The author's id as the viewer's when it is theirs: the fragment compares the two.
        view.addObject("viewerId", own ? message.authorId() : null);
        // The viewer's id when the message mentions them: the fragment marks those mentions as theirs.
        view.addObject("mentionedViewer", mentioned);
        view.addObject("messagesUrl", messagesUrl);
        view.addObject("oob", oob ? "true" : null);
        return renderer.render(view);
    }

    private static boolean own(ChatMessage message, String viewerId) {
        return viewerId != null && Objects.equals(message.authorId(), viewerId);
    }

    /** The room list's entries (the items of the sidebar's list), rendered once per distinct list. */
    String roomList(List<Rooms.RoomLink> links) {
        return roomLists.get(links, key -> render("room-items", Map.of("rooms", key)));
    }

    String contextPath() {
        return contextPath;
    }

    String status(RealtimeSession.State state) {
        return render("status", Map.of("state", state.name()));
    }

    String online(List<String> names) {
        return render("online", Map.of("online", names));
    }

    /** The typing line ("Alice Example is typing…", or empty); never an empty event, which SSE would not deliver. */
    String typing(String line) {
        return render("typing", Map.of("typing", line));
    }

    String sessionEnded() {
        return renderer.render(SessionEndedResponses.notice(contextPath));
    }

    private String render(String fragment, Map<String, ?> model) {
        return renderer.render(new ModelAndView("chat/fragments :: " + fragment, model));
    }

    /**
     * The whole message is part of the key (its {@code updatedAt} too), so an edited message is rendered anew;
     * {@code own} is whether the viewer wrote it and {@code mentioned} the viewer's id when it mentions them, the
     * only things about the viewer that the fragment shows; {@code people} the directory's version (0 without
     * mentions), so that a rename renders anew.
     */
    private record RenderKey(
            ChatMessage message, ZoneId zone, LocalDate day, boolean own, String mentioned, long people, boolean oob) {}
}
