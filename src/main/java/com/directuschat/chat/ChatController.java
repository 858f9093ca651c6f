package com.directuschat.chat;

import java.time.ZoneId;
import java.util.List;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import com.directuschat.auth.CurrentLogin;
import com.directuschat.auth.DirectusAuthentication;
import com.directuschat.directus.ChatMessage;
import com.directuschat.directus.DirectusClient;
import com.directuschat.directus.DirectusException;

import io.github.wimdeblauwe.htmx.spring.boot.mvc.HtmxRequest;

/** The chat page and the send endpoint. */
@Controller
class ChatController {

    private final DirectusClient directus;
    private final MessageCache cache;
    private final ChatProperties properties;

    ChatController(DirectusClient directus, MessageCache cache, ChatProperties properties) {
        this.directus = directus;
        this.cache = cache;
        this.properties = properties;
    }

    @GetMapping("/")
    String page(Model model, HttpServletRequest request, HttpServletResponse response) {
        DirectusAuthentication login = CurrentLogin.get();
        model.addAttribute("user", login.getPrincipal());
        List<ChatMessage> history;
        try {
            history = directus.latestMessages(login.tokens(), properties.historySize());
        }
        catch (DirectusException e) {
            return unavailable(e, request, response, model);
        }
        ZoneId zone = ClientTimeZone.of(request);
        model.addAttribute("messages", history.stream().map(m -> MessageFormatter.view(m, zone)).toList());
        model.addAttribute("lastId", history.isEmpty() ? 0 : history.get(history.size() - 1).id());
        return "chat/page";
    }

    /**
     * htmx gets 204 when Directus stored the message, or the error line with a 4xx/5xx; the composer is never
     * replaced, so text typed while the post is under way stays (chat.js removes only what was sent).
     */
    @PostMapping("/messages")
    ModelAndView send(HttpServletRequest request, HtmxRequest htmx, RedirectAttributes redirect) {
        String[] values = request.getParameterValues("content");
        String content = values == null ? null : values[0];
        String problem = values != null && values.length > 1 ? "Send one message at a time."
                : MessageDraft.problem(content, properties.maxMessageLength());
        HttpStatus status = HttpStatus.UNPROCESSABLE_CONTENT;
        if (problem == null) {
            try {
                // The sender sees the message once, from the subscription, like everyone else; its event then
                // needs no read, since the create's answer is the message.
                String text = content.strip();
                cache.create(() -> directus.createMessage(CurrentLogin.get().tokens(), text));
                return htmx.isHtmxRequest() ? new ModelAndView("chat/fragments :: sent", HttpStatus.NO_CONTENT)
                        : new ModelAndView("redirect:/");
            }
            catch (DirectusException e) {
                status = sendFailureStatus(e);
                problem = sendFailureMessage(e);
            }
        }
        if (!htmx.isHtmxRequest()) {
            redirect.addFlashAttribute("draft", content);
            redirect.addFlashAttribute("sendError", problem);
            return new ModelAndView("redirect:/");
        }
        ModelAndView error = new ModelAndView("chat/fragments :: send-error", status);
        error.addObject("sendError", problem);
        return error;
    }

    private static HttpStatus sendFailureStatus(DirectusException e) {
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
        return "Directus refused the message: " + e.getMessage();
    }

    private String unavailable(DirectusException e, HttpServletRequest request, HttpServletResponse response, Model model) {
        if (e.isTokenRefused()) {
            request.getSession().invalidate();
            return "redirect:/login?expired";
        }
        if (e.isForbidden()) {
            response.setStatus(HttpStatus.FORBIDDEN.value());
            return "chat/no-access";
        }
        response.setStatus(HttpStatus.SERVICE_UNAVAILABLE.value());
        model.addAttribute("problem", "The chat cannot reach Directus right now.");
        return "chat/unavailable";
    }
}
