package com.directuschat.chat;

import com.directuschat.auth.DirectusAuthentication;
import com.directuschat.directus.ChatMessage;
import com.directuschat.directus.DirectusClient;
import com.directuschat.directus.DirectusException;
import com.directuschat.ratelimit.RateLimitExceeded;
import com.directuschat.ratelimit.RateLimited;
import com.directuschat.web.ClientTimeZone;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import java.time.ZoneId;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.validation.BindingResult;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.servlet.ModelAndView;

/**
 * Editing and deleting one's own messages ({@code PATCH} / {@code DELETE /messages/<id>}, htmx, CSRF header), as
 * the user in Directus. The bridge refuses someone else's message itself, and says so, whether or not Directus
 * would (an unlicensed Directus cannot restrict the permission to the author). Every change reaches the open tabs
 * through the update and delete subscriptions, like a new message.
 * <p>
 * Answers: an edit gets the message fragment (200), which replaces the message in place; a delete gets an empty
 * 200 (htmx removes the message). A refusal is one line for that message ({@code chat/fragments :: message-error},
 * role alert) with its status: 400 for an id that is not one, 404 unknown, 403 not yours, 422 bad text, 429 too
 * many changes (they count with sends), 503 Directus down.
 */
@Controller
class MessageEditController {

    private final DirectusClient directus;
    private final MessageCache cache;
    private final LocalFanOut fanOut;
    private final People people;

    MessageEditController(DirectusClient directus, MessageCache cache, LocalFanOut fanOut, People people) {
        this.people = people;
        this.directus = directus;
        this.cache = cache;
        this.fanOut = fanOut;
    }

    @PatchMapping("/messages/{id}")
    @RateLimited(RateLimited.Limit.SEND)
    ModelAndView edit(
            @PathVariable("id") String idText,
            @Valid MessageForm form,
            BindingResult errors,
            DirectusAuthentication login,
            HttpServletRequest request) {
        long id = id(idText);
        if (id < 0) {
            return refused(HttpStatus.BAD_REQUEST, badId());
        }
        String problem = MessageForm.problem(request, errors, "Give the new text once.");
        if (problem != null) {
            return refused(HttpStatus.UNPROCESSABLE_CONTENT, problem);
        }
        try {
            ChatMessage current = own(login, id, "edit");
            // Names typed as "@First Last" become mentions; one the message mentioned already decides a shared name.
            People.Directory directory = people.current(login.tokens());
            java.util.Set<String> picked = Mentions.ids(current.content());
            picked.addAll(ChatController.picked(request));
            String text = Mentions.resolve(form.text(), directory.people(), picked);
            // The same text again changes nothing, and would only mark the message as edited.
            ChatMessage edited = text.equals(current.content())
                    ? current
                    : cache.edit(id, () -> directus.updateMessage(login.tokens(), id, text));
            if (edited != current) {
                fanOut.updated(edited);
            }
            ZoneId zone = ClientTimeZone.of(request);
            ModelAndView answer = new ModelAndView("chat/fragments :: message");
            answer.addObject("m", MessageFormatter.view(edited, zone, directory::name));
            return answer;
        } catch (Refusal refusal) {
            return refused(refusal.status, refusal.getMessage());
        } catch (DirectusException e) {
            return refused(ChatController.failureStatus(e), failureMessage(e, "changed"));
        }
    }

    @DeleteMapping("/messages/{id}")
    @RateLimited(RateLimited.Limit.SEND)
    ModelAndView delete(@PathVariable("id") String idText, DirectusAuthentication login) {
        long id = id(idText);
        if (id < 0) {
            return refused(HttpStatus.BAD_REQUEST, badId());
        }
        try {
            own(login, id, "delete");
            directus.deleteMessage(login.tokens(), id);
            cache.deleted(List.of(id));
            fanOut.deleted(List.of(id));
            return new ModelAndView("chat/fragments :: sent");
        } catch (Refusal refusal) {
            return refused(refusal.status, refusal.getMessage());
        } catch (DirectusException e) {
            return refused(ChatController.failureStatus(e), failureMessage(e, "deleted"));
        }
    }

    /** Edits and deletes count with sends: each costs Directus a read per subscriber, as a new message does. */
    @ExceptionHandler
    ModelAndView changingTooFast(RateLimitExceeded refused) {
        return refused(
                HttpStatus.TOO_MANY_REQUESTS,
                "You are changing messages too fast. Wait " + refused.waitText() + " and try again.");
    }

    /** The message, read as the user, if it is theirs; else a {@link Refusal}: 404 unknown, 403 someone else's. */
    private ChatMessage own(DirectusAuthentication login, long id, String action) {
        List<ChatMessage> found = directus.messagesByIds(login.tokens(), List.of(id));
        if (found.isEmpty()) {
            throw new Refusal(
                    HttpStatus.NOT_FOUND, "There is no message " + id + " that you can see. It may have been deleted.");
        }
        ChatMessage message = found.get(0);
        if (message.authorId() == null
                || !message.authorId().equals(login.getPrincipal().id())) {
            throw new Refusal(
                    HttpStatus.FORBIDDEN,
                    "You can only " + action + " your own messages; this one is " + MessageFormatter.author(message)
                            + "'s.");
        }
        return message;
    }

    /** Why the bridge itself refuses a change: a status and one line for the user. */
    private static final class Refusal extends RuntimeException {

        private final HttpStatus status;

        Refusal(HttpStatus status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    /** A whole number from 1 to 2^53 - 1, or -1. */
    static long id(String text) {
        if (text != null && text.matches("[0-9]{1,16}")) {
            long id = Long.parseLong(text);
            if (id >= 1 && id <= ChatController.MAX_MESSAGE_ID) {
                return id;
            }
        }
        return -1;
    }

    private static String badId() {
        return "That is not a message id: it must be a whole number from 1 to " + ChatController.MAX_MESSAGE_ID + ".";
    }

    /**
     * The refusal; chat.js puts it at the end of the message it is about (found by id, not relative to the form or
     * button, which a live edit may have replaced meanwhile).
     */
    private static ModelAndView refused(HttpStatus status, String message) {
        ModelAndView answer = new ModelAndView("chat/fragments :: message-error", status);
        answer.addObject("messageError", message);
        return answer;
    }

    private static String failureMessage(DirectusException e, String done) {
        if (e.isUnreachable() || e.status() >= 500) {
            return "Directus is unreachable, so the message was not " + done + ". Try again in a moment.";
        }
        if (e.isTokenRefused()) {
            return "Your session has ended. Log in again.";
        }
        return "Directus does not allow you to change this message, so it was not " + done + ".";
    }
}
