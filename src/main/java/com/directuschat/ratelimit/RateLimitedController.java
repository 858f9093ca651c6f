package com.directuschat.ratelimit;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.server.ResponseStatusException;

/** Renders a refusal of {@link RateLimitFilter} as the page the user was on: the login form or the send form. */
@Controller
class RateLimitedController {

    static final String PATH = "/rate-limited";

    enum Kind {
        LOGIN,
        SEND
    }

    record Refusal(Kind kind, long retryAfterSeconds) {}

    @RequestMapping(PATH)
    String refused(HttpServletRequest request, HttpServletResponse response, Model model) {
        if (!(request.getAttribute(RateLimitFilter.REFUSAL) instanceof Refusal refusal)) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND);
        }
        response.setStatus(HttpStatus.TOO_MANY_REQUESTS.value());
        String wait = waitText(refusal.retryAfterSeconds());
        if (refusal.kind() == Kind.LOGIN) {
            String email = request.getParameter("email");
            model.addAttribute("email", email != null && email.length() <= 320 ? email : null);
            model.addAttribute("error", "Too many login attempts. Please wait " + wait + " and try again.");
            return "auth/login";
        }
        model.addAttribute("draft", request.getParameter("content"));
        model.addAttribute(
                "sendError",
                "You are sending messages too fast. Wait " + wait
                        + " and send again; your message is still in the box.");
        return "true".equals(request.getHeader("HX-Request")) ? "chat/fragments :: send-error" : "rate-limited";
    }

    static String waitText(long seconds) {
        if (seconds <= 1) {
            return "a second";
        }
        if (seconds < 90) {
            return seconds + " seconds";
        }
        return Math.round(seconds / 60.0) + " minutes";
    }
}
