package com.directuschat.auth;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/** The logged-in user of the current request. */
public final class CurrentLogin {

    private CurrentLogin() {
    }

    public static DirectusAuthentication get() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication instanceof DirectusAuthentication login) {
            return login;
        }
        throw new IllegalStateException("No Directus login in this request");
    }
}
