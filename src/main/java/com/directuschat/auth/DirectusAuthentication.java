package com.directuschat.auth;

import java.util.List;
import java.util.function.Function;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * A logged-in user, kept in the HTTP session (which may be in Redis, read by any instance): the user and the
 * login's id, never its tokens. Those are looked up by login id ({@link Logins}) when the session is read.
 */
public final class DirectusAuthentication extends AbstractAuthenticationToken {

    private static final long serialVersionUID = 1L;

    private final ChatUser user;
    private final String loginId;
    private transient volatile TokenHolder tokens;

    DirectusAuthentication(ChatUser user, String loginId, TokenHolder tokens) {
        super(List.of(new SimpleGrantedAuthority("ROLE_USER")));
        this.user = user;
        this.loginId = loginId;
        this.tokens = tokens;
        setAuthenticated(true);
    }

    @Override
    public Object getCredentials() {
        return "";
    }

    @Override
    public ChatUser getPrincipal() {
        return user;
    }

    String loginId() {
        return loginId;
    }

    /** This instance's holder of the login's tokens. */
    public TokenHolder tokens() {
        TokenHolder holder = tokens;
        if (holder == null) {
            throw new IllegalStateException(
                    "Login tokens not attached; the session was read outside the security chain");
        }
        return holder;
    }

    /** After the session was read: the token holder of this login on this instance. */
    void attach(Function<String, TokenHolder> holders) {
        if (tokens == null) {
            tokens = holders.apply(loginId);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof DirectusAuthentication that && super.equals(that) && loginId.equals(that.loginId);
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + loginId.hashCode();
    }
}
