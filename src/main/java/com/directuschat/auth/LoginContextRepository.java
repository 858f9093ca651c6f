package com.directuschat.auth;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.core.context.DeferredSecurityContext;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.web.context.DelegatingSecurityContextRepository;
import org.springframework.security.web.context.HttpRequestResponseHolder;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.stereotype.Component;

/**
 * Spring Security's usual session-backed context repository, which also gives a login read from the session
 * (perhaps written by another instance) this instance's {@link TokenHolder}. Lazily: only requests that look at
 * the login read the session, so static files never need the session store.
 */
@Component
public class LoginContextRepository implements SecurityContextRepository {

    private final SecurityContextRepository delegate = new DelegatingSecurityContextRepository(
            new RequestAttributeSecurityContextRepository(), new HttpSessionSecurityContextRepository());
    private final Logins logins;

    LoginContextRepository(Logins logins) {
        this.logins = logins;
    }

    @Override
    public DeferredSecurityContext loadDeferredContext(HttpServletRequest request) {
        DeferredSecurityContext deferred = delegate.loadDeferredContext(request);
        return new DeferredSecurityContext() {
            @Override
            public SecurityContext get() {
                return attach(deferred.get());
            }

            @Override
            public boolean isGenerated() {
                return deferred.isGenerated();
            }
        };
    }

    @Override
    @Deprecated
    public SecurityContext loadContext(HttpRequestResponseHolder holder) {
        return attach(delegate.loadContext(holder));
    }

    @Override
    public void saveContext(SecurityContext context, HttpServletRequest request, HttpServletResponse response) {
        delegate.saveContext(context, request, response);
    }

    @Override
    public boolean containsContext(HttpServletRequest request) {
        return delegate.containsContext(request);
    }

    private SecurityContext attach(SecurityContext context) {
        if (context != null && context.getAuthentication() instanceof DirectusAuthentication login) {
            login.attach(logins::holder);
        }
        return context;
    }
}
