package com.directuschat.chat;

import java.util.Map;
import java.util.Set;

import jakarta.servlet.ServletContext;

import org.springframework.stereotype.Component;
import org.thymeleaf.ITemplateEngine;
import org.thymeleaf.context.Context;

import com.directuschat.directus.RealtimeSession;

/** Renders the same Thymeleaf fragments the pages use, for SSE events. */
@Component
class Fragments {

    private final ITemplateEngine templates;
    private final String loginUrl;

    Fragments(ITemplateEngine templates, ServletContext servletContext) {
        this.templates = templates;
        this.loginUrl = servletContext.getContextPath() + "/login?expired";
    }

    String message(MessageView message) {
        return render("chat/fragments", "message", Map.of("m", message));
    }

    String status(RealtimeSession.State state) {
        return render("chat/fragments", "status", Map.of("state", state.name()));
    }

    String sessionEnded() {
        return render("chat/fragments", "session-ended", Map.of("loginUrl", loginUrl));
    }

    private String render(String template, String fragment, Map<String, Object> variables) {
        Context context = new Context();
        context.setVariables(variables);
        return templates.process(template, Set.of(fragment), context).strip();
    }
}
