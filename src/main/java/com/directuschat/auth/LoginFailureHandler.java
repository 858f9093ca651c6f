package com.directuschat.auth;

import com.directuschat.ratelimit.RateLimitExceeded;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.View;
import org.thymeleaf.spring6.view.ThymeleafViewResolver;

/**
 * Back to the login page with the reason; the typed email is kept for the form (never the password). A login refused
 * by the login limits gets the login page at once instead, as a 429 with {@code Retry-After} and the wait: rendered
 * by Spring MVC's view for it (the form with its CSRF field), since this runs in the security chain, not in a handler.
 */
@Component
class LoginFailureHandler implements AuthenticationFailureHandler {

    static final String LAST_EMAIL = LoginFailureHandler.class.getName() + ".email";

    private final ThymeleafViewResolver views;

    LoginFailureHandler(ThymeleafViewResolver views) {
        this.views = views;
    }

    @Override
    public void onAuthenticationFailure(
            HttpServletRequest request, HttpServletResponse response, AuthenticationException exception)
            throws IOException, ServletException {
        LoginFailure reason =
                exception instanceof LoginFailure.Exception failure ? failure.reason() : LoginFailure.REFUSED;
        String email = request.getParameter("email");
        boolean keep = email != null && email.length() <= 320;
        if (exception.getCause() instanceof RateLimitExceeded refused) {
            tooMany(request, response, refused, keep ? email : null);
            return;
        }
        if (keep) {
            request.getSession().setAttribute(LAST_EMAIL, email);
        }
        response.sendRedirect(
                request.getContextPath() + "/login?error=" + reason.name().toLowerCase(Locale.ROOT));
    }

    private void tooMany(
            HttpServletRequest request, HttpServletResponse response, RateLimitExceeded refused, String email)
            throws IOException, ServletException {
        response.setStatus(HttpStatus.TOO_MANY_REQUESTS.value());
        response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(refused.retryAfterSeconds()));
        Map<String, Object> model = new HashMap<>();
        model.put("email", email);
        model.put("error", "Too many login attempts. Please wait " + refused.waitText() + " and try again.");
        try {
            View page = views.resolveViewName("auth/login", Locale.ENGLISH);
            if (page == null) {
                throw new ServletException("No view auth/login");
            }
            page.render(model, request, response);
        } catch (IOException | ServletException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new ServletException(e);
        }
    }
}
