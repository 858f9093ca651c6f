package com.directuschat.auth;

import java.util.List;

import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/** A logged-in user. Kept in the HTTP session; the tokens inside never leave the server. */
public final class DirectusAuthentication extends AbstractAuthenticationToken {

    private final ChatUser user;
    private final transient TokenHolder tokens;

    DirectusAuthentication(ChatUser user, TokenHolder tokens) {
        super(List.of(new SimpleGrantedAuthority("ROLE_USER")));
        this.user = user;
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

    public TokenHolder tokens() {
        return tokens;
    }
}
