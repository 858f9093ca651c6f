package com.directuschat.auth;

/** Logins for tests of other packages' controllers: what the security chain keeps after a login. */
public final class TestLogins {

    private TestLogins() {}

    public static DirectusAuthentication of(ChatUser user, TokenHolder tokens) {
        return new DirectusAuthentication(user, "test-login-" + user.id(), tokens);
    }
}
