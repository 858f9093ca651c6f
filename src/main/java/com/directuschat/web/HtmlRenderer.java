package com.directuschat.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.ModelAndView;
import org.thymeleaf.ITemplateEngine;
import org.thymeleaf.context.AbstractContext;
import org.thymeleaf.context.Context;
import org.thymeleaf.context.WebContext;
import org.thymeleaf.web.servlet.JakartaServletWebApplication;

/**
 * Renders a {@link ModelAndView} to a string, as Thymeleaf's view resolver renders one into a response: the same
 * view names ({@code template} or {@code template :: fragment}) and the same templates. For what is written outside a
 * handler method: SSE events, which go out long after the request that opened the stream, and the answers of the
 * security chain. Handlers return their {@code ModelAndView} instead, and the view resolver renders it.
 */
@Component
public class HtmlRenderer {

    private static final String FRAGMENT = "::";

    private final ITemplateEngine templates;

    public HtmlRenderer(ITemplateEngine templates) {
        this.templates = templates;
    }

    /** The view's HTML, without leading and trailing white space (an SSE event's data is the fragment alone). */
    public String render(ModelAndView view) {
        return render(view, new Context(Locale.ENGLISH));
    }

    /** A whole page for a request, outside a handler: its links ({@code @{/...}}) resolve against the request. */
    public String render(ModelAndView view, HttpServletRequest request, HttpServletResponse response) {
        return render(
                view,
                new WebContext(
                        JakartaServletWebApplication.buildApplication(request.getServletContext())
                                .buildExchange(request, response),
                        Locale.ENGLISH));
    }

    private String render(ModelAndView view, AbstractContext context) {
        String name = view.getViewName();
        if (name == null) {
            throw new IllegalArgumentException("A view to render needs a view name");
        }
        Map<String, Object> model = view.getModel();
        context.setVariables(model);
        int split = name.indexOf(FRAGMENT);
        if (split < 0) {
            return templates.process(name.strip(), context).strip();
        }
        String template = name.substring(0, split).strip();
        String fragment = name.substring(split + FRAGMENT.length()).strip();
        return templates.process(template, Set.of(fragment), context).strip();
    }
}
