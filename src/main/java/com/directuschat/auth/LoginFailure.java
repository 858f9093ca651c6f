package com.directuschat.auth;

import org.springframework.security.core.AuthenticationException;

/** Why a login failed, with the message the login page shows. */
enum LoginFailure {
    CREDENTIALS("Wrong email or password."),
    OTP("This account needs a one-time password, which this chat does not support yet. Ask an administrator."),
    NO_PASSWORD_LOGIN("This account cannot log in with a password."),
    UNREACHABLE("The chat server cannot reach Directus right now. Please try again in a moment."),
    REFUSED("Directus refused the login."),
    /** Refused by the login limits; the page says how long to wait (see {@link LoginFailureHandler}). */
    TOO_MANY("Too many login attempts. Please wait a moment and try again.");

    private final String message;

    LoginFailure(String message) {
        this.message = message;
    }

    String message() {
        return message;
    }

    /** Carries a {@link LoginFailure} through Spring Security to the failure handler. */
    static final class Exception extends AuthenticationException {

        private final LoginFailure reason;

        /** {@code cause}: what refused it, when that matters to the answer (a {@code RateLimitExceeded}), or null. */
        Exception(LoginFailure reason, Throwable cause) {
            super(reason.message(), cause);
            this.reason = reason;
        }

        LoginFailure reason() {
            return reason;
        }
    }
}
