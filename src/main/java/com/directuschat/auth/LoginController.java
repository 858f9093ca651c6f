package com.directuschat.auth;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.util.Locale;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The login page: Spring Security posts the form; this shows it again with the last email typed and why the user is
 * here (a failed login, a logout, an ended session).
 */
@Controller
class LoginController {

    @GetMapping("/login")
    String login(
            @RequestParam(required = false) String error,
            @RequestParam(required = false) String logout,
            @RequestParam(required = false) String expired,
            HttpServletRequest request,
            Model model) {
        HttpSession session = request.getSession(false);
        if (session != null) {
            model.addAttribute("email", session.getAttribute(LoginFailureHandler.LAST_EMAIL));
            session.removeAttribute(LoginFailureHandler.LAST_EMAIL);
        }
        if (error != null) {
            model.addAttribute("error", parse(error).message());
        }
        if (logout != null) {
            model.addAttribute("notice", "You have logged out.");
        }
        if (expired != null) {
            model.addAttribute("notice", "Your session has ended. Please log in again.");
        }
        return "auth/login";
    }

    private static LoginFailure parse(String error) {
        try {
            return LoginFailure.valueOf(error.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return LoginFailure.REFUSED;
        }
    }
}
