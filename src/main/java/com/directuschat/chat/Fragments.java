package com.directuschat.chat;

import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.servlet.ServletContext;

import org.springframework.stereotype.Component;
import org.thymeleaf.ITemplateEngine;
import org.thymeleaf.context.Context;

import com.directuschat.directus.ChatMessage;
import com.directuschat.directus.RealtimeSession;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * Renders the same Thymeleaf fragments the pages use, for SSE events. A live message goes to every open tab:
 * it is rendered once per time zone (and day, since "today" shows the time only) and per "is it the viewer's own"
 * (which decides the Edit and Delete buttons), not once per tab.
 */
@Component
class Fragments {

    private final ITemplateEngine templates;
    private final String loginUrl;
    private final String contextPath;
    private final String messagesUrl;
    private final Cache<RenderKey, String> rendered = Caffeine.newBuilder()
            .maximumSize(5_000).expireAfterAccess(Duration.ofMinutes(5)).build();
    private final Cache<List<Rooms.RoomLink>, String> roomLists = Caffeine.newBuilder()
            .maximumSize(1_000).expireAfterAccess(Duration.ofMinutes(5)).build();

    Fragments(ITemplateEngine templates, ServletContext servletContext) {
        this.templates = templates;
        this.contextPath = servletContext.getContextPath();
        this.loginUrl = contextPath + "/login?expired";
        this.messagesUrl = contextPath + "/messages";
    }

    String message(ChatMessage message, ZoneId zone) {
        return message(message, zone, null);
    }

    /** The message as {@code viewerId} (a Directus user id; null: nobody) sees it: with Edit and Delete if theirs. */
    String message(ChatMessage message, ZoneId zone, String viewerId) {
        return rendered(message, zone, own(message, viewerId), false);
    }

    /** The same, out of band: it replaces {@code #m-<id>} where the page shows it (an edit). */
    String changed(ChatMessage message, ZoneId zone, String viewerId) {
        return rendered(message, zone, own(message, viewerId), true);
    }

    /** Out-of-band deletes of {@code #m-<id>} for each id (ids are numbers: nothing to escape). */
    String deleted(List<Long> ids) {
        return ids.stream().map(id -> "<li id=\"m-" + id + "\" hx-swap-oob=\"delete\"></li>").collect(Collectors.joining());
    }

    String message(MessageView message) {
        return message(message, false, false);
    }

    private String rendered(ChatMessage message, ZoneId zone, boolean own, boolean oob) {
        return rendered.get(new RenderKey(message, zone, LocalDate.now(zone), own, oob),
                key -> message(MessageFormatter.view(message, zone), own, oob));
    }

    private String message(MessageView message, boolean own, boolean oob) {
        Map<String, Object> variables = new HashMap<>();
        variables.put("m", message);
        // The author's id as the viewer's when it is theirs: the fragment compares the two.
        variables.put("viewerId", own ? message.authorId() : null);
        variables.put("messagesUrl", messagesUrl);
        variables.put("oob", oob ? "true" : null);
        return render("chat/fragments", "message", variables);
    }

    private static boolean own(ChatMessage message, String viewerId) {
        return viewerId != null && Objects.equals(message.authorId(), viewerId);
    }

    /** The room list's entries (the items of the sidebar's list), rendered once per distinct list. */
    String roomList(List<Rooms.RoomLink> links) {
        return roomLists.get(links, key -> render("chat/fragments", "room-items", Map.of("rooms", key)));
    }

    String contextPath() {
        return contextPath;
    }

    String status(RealtimeSession.State state) {
        return render("chat/fragments", "status", Map.of("state", state.name()));
    }

    String online(List<String> names) {
        return render("chat/fragments", "online", Map.of("online", names));
    }

    String sessionEnded() {
        return render("chat/fragments", "session-ended", Map.of("loginUrl", loginUrl));
    }

    private String render(String template, String fragment, Map<String, Object> variables) {
        Context context = new Context();
        context.setVariables(variables);
        return templates.process(template, Set.of(fragment), context).strip();
    }

    /**
     * The whole message is part of the key (its {@code updatedAt} too), so an edited message is rendered anew;
     * {@code own} is whether the viewer wrote it, the only thing about the viewer that the fragment shows.
     */
    private record RenderKey(ChatMessage message, ZoneId zone, LocalDate day, boolean own, boolean oob) {
    }
}
