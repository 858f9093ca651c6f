package com.directuschat.chat;

import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
 * it is rendered once per time zone (and day, since "today" shows the time only), not once per tab.
 */
@Component
class Fragments {

    private final ITemplateEngine templates;
    private final String loginUrl;
    private final Cache<RenderKey, String> rendered = Caffeine.newBuilder()
            .maximumSize(5_000).expireAfterAccess(Duration.ofMinutes(5)).build();

    Fragments(ITemplateEngine templates, ServletContext servletContext) {
        this.templates = templates;
        this.loginUrl = servletContext.getContextPath() + "/login?expired";
    }

    String message(ChatMessage message, ZoneId zone) {
        return rendered.get(new RenderKey(message, zone, LocalDate.now(zone)),
                key -> message(MessageFormatter.view(message, zone)));
    }

    String message(MessageView message) {
        return render("chat/fragments", "message", Map.of("m", message));
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

    /** The whole message is part of the key, so a changed message is rendered anew. */
    private record RenderKey(ChatMessage message, ZoneId zone, LocalDate day) {
    }
}
