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
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import com.directuschat.auth.CurrentLogin;
import com.directuschat.auth.DirectusAuthentication;
import com.directuschat.directus.ChatMessage;
import com.directuschat.directus.DirectusClient;
import com.directuschat.directus.DirectusException;

import io.github.wimdeblauwe.htmx.spring.boot.mvc.HtmxRequest;

/** The chat page, older history, and the send endpoint. */
@Controller
class ChatController {

    /** Largest id we accept: Directus is JavaScript, and its ids are exact up to 2^53 - 1. */
    static final long MAX_MESSAGE_ID = 9_007_199_254_740_991L;

    private final DirectusClient directus;
    private final MessageCache cache;
    private final ChatProperties properties;
    private final OnlineList online;

    ChatController(DirectusClient directus, MessageCache cache, ChatProperties properties, OnlineList online) {
        this.directus = directus;
        this.cache = cache;
        this.properties = properties;
        this.online = online;
    }

    @GetMapping("/")
    String page(Model model, HttpServletRequest request, HttpServletResponse response) {
        DirectusAuthentication login = CurrentLogin.get();
        model.addAttribute("user", login.getPrincipal());
        List<ChatMessage> history;
        try {
            // One more than shown: whether there is anything older decides between the button and "the beginning".
            history = directus.latestMessages(login.tokens(), properties.historySize() + 1);
        }
        catch (DirectusException e) {
            return unavailable(e, request, response, model);
        }
        boolean older = history.size() > properties.historySize();
        if (older) {
            history = history.subList(1, history.size());
        }
        ZoneId zone = ClientTimeZone.of(request);
        model.addAttribute("messages", history.stream().map(m -> MessageFormatter.view(m, zone)).toList());
        model.addAttribute("lastId", history.isEmpty() ? 0 : history.get(history.size() - 1).id());
        model.addAttribute("historyBefore", older ? history.get(0).id() : null);
        // Rooms: the page's own room instead of the default one.
        model.addAttribute("online", online.names(online.defaultRoom(login.tokens())));
        return "chat/page";
    }

    /**
     * "Load earlier messages": the {@code chat.history-page-size} messages below {@code before} (an id), oldest
     * first, inserted above the list out of band, and the history line again, pointing further back or saying
     * that this is the beginning. Keyset paging by id, so nothing is skipped or repeated however much is posted
     * meanwhile. A plain browser GET (no htmx) goes to the page.
     */
    @GetMapping("/messages")
    ModelAndView earlier(HttpServletRequest request, HtmxRequest htmx) {
        long before = before(request.getParameterValues("before"));
        if (!htmx.isHtmxRequest()) {
            return new ModelAndView("redirect:/");
        }
        int pageSize = properties.historyPageSize();
        List<ChatMessage> found;
        try {
            found = directus.messagesBefore(CurrentLogin.get().tokens(), before, pageSize + 1);
        }
        catch (DirectusException e) {
            ModelAndView failed = new ModelAndView("chat/fragments :: history", failureStatus(e));
            failed.addObject("historyBefore", before);
            failed.addObject("historyError", historyFailureMessage(e));
            return failed;
        }
        boolean older = found.size() > pageSize;
        List<ChatMessage> page = older ? found.subList(found.size() - pageSize, found.size()) : found;
        ZoneId zone = ClientTimeZone.of(request);
        ModelAndView answer = new ModelAndView("chat/fragments :: earlier");
        answer.addObject("messages", page.stream().map(m -> MessageFormatter.view(m, zone)).toList());
        answer.addObject("historyBefore", older ? page.get(0).id() : null);
        return answer;
    }

    /** The {@code before} parameter: exactly one, a whole number from 1 to {@link #MAX_MESSAGE_ID}. */
    static long before(String[] values) {
        if (values != null && values.length > 1) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "before must be given once.");
        }
        String value = values == null ? null : values[0];
        if (value != null && value.matches("[0-9]{1,16}")) {
            long id = Long.parseLong(value);
            if (id >= 1 && id <= MAX_MESSAGE_ID) {
                return id;
            }
        }
        throw new ResponseStatusException(HttpStatus.BAD_REQUEST,
                "before must be a message id: a whole number from 1 to " + MAX_MESSAGE_ID + ".");
    }

    private static String historyFailureMessage(DirectusException e) {
        if (e.isUnreachable() || e.status() >= 500) {
            return "Directus is unreachable, so older messages could not be loaded. Try again in a moment.";
        }
        if (e.isTokenRefused()) {
            return "Your session has ended. Reload the page to log in again.";
        }
        return "Directus does not allow you to read older messages.";
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
                status = failureStatus(e);
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

    /** Status of a Directus failure, for a send or for older history. */
    private static HttpStatus failureStatus(DirectusException e) {
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
