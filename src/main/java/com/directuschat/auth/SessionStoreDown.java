package com.directuschat.auth;

import com.directuschat.directus.DirectusException;

/**
 * The shared session store (Redis) cannot be reached. A 503 like an unreachable Directus: the request is
 * refused with "try again shortly", a realtime re-authentication is retried later, and nobody is logged out.
 */
public final class SessionStoreDown extends DirectusException {

    public static final String CODE = "SESSION_STORE_DOWN";

    SessionStoreDown(Throwable cause) {
        super(503, CODE, "The session store cannot be reached");
        initCause(cause);
    }
}
