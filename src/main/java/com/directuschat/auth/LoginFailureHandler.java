package com.directuschat.auth;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.stereotype.Component;

/** Back to the login page with the reason; the typed email is kept for the form (never the password). */
@Component
class LoginFailureHandler implements AuthenticationFailureHandler {

    static final String LAST_EMAIL = LoginFailureHandler.class.getName() + ".email";

    @Override
    public void onAuthenticationFailure(
            HttpServletRequest request, HttpServletResponse response, AuthenticationException exception)
            throws IOException {
        LoginFailure reason =
                exception instanceof LoginFailure.Exception failure ? failure.reason() : LoginFailure.REFUSED;
        String email = request.getParameter("email");
        if (email != null && email.length() <= 320) {
            request.getSession().setAttribute(LAST_EMAIL, email);
        }
        response.sendRedirect(
                request.getContextPath() + "/login?error=" + reason.name().toLowerCase());
    }
}
