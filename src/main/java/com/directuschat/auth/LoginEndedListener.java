package com.directuschat.auth;

/** Told when a login's HTTP session ends (logout, timeout, invalidation), before its tokens are revoked. */
public interface LoginEndedListener {

    void loginEnded(String sessionId);
}
