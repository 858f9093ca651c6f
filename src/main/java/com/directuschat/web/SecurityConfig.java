package com.directuschat.web;

import com.directuschat.auth.LoginContextRepository;
import com.directuschat.auth.PreviousLoginEnd;
import jakarta.servlet.DispatcherType;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.ObjectPostProcessor;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.security.web.header.HeaderWriterFilter;
import org.springframework.security.web.header.writers.CacheControlHeadersWriter;
import org.springframework.security.web.header.writers.DelegatingRequestMatcherHeaderWriter;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy;
import org.springframework.security.web.session.HttpSessionEventPublisher;
import org.springframework.security.web.util.matcher.NegatedRequestMatcher;
import org.springframework.session.web.http.SessionRepositoryFilter;
import org.springframework.util.unit.DataSize;

/**
 * The chat's security chain: form login against Directus, CSRF, headers and body size. The rate limits are not
 * here: logins are counted where they are authenticated, sends and streams where their handlers are known.
 */
@Configuration
@EnableWebSecurity
class SecurityConfig {

    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; "
            + "form-action 'self'; frame-ancestors 'none'";

    @Bean
    SecurityFilterChain securityFilterChain(
            HttpSecurity http,
            AuthenticationFailureHandler loginFailureHandler,
            SessionEndedResponses sessionEnded,
            LoginContextRepository logins,
            PreviousLoginEnd previousLoginEnd,
            @Value("${server.tomcat.max-http-form-post-size:64KB}") DataSize maxBody)
            throws Exception {
        http.securityContext(context -> context.securityContextRepository(logins));
        http.authorizeHttpRequests(requests -> requests.dispatcherTypeMatchers(
                        DispatcherType.ASYNC, DispatcherType.ERROR)
                .permitAll()
                .requestMatchers("/login", "/css/**", "/js/**", "/webjars/**", "/favicon.ico", "/favicon.svg", "/error")
                .permitAll()
                .anyRequest()
                .authenticated());
        http.formLogin(form -> form.loginPage("/login")
                .usernameParameter("email")
                .passwordParameter("password")
                .failureHandler(loginFailureHandler)
                .defaultSuccessUrl("/", true)
                .permitAll());
        // A login over another one in the same browser ends the old one first, then the usual session-id change.
        // Added, not set: a strategy set here would also add a filter that reads the session on every request,
        // static files too, which must not need the session store.
        http.sessionManagement(session -> session.addSessionAuthenticationStrategy(previousLoginEnd));
        http.logout(logout -> logout.logoutUrl("/logout").logoutSuccessUrl("/login?logout"));
        http.exceptionHandling(errors -> errors.authenticationEntryPoint(sessionEnded.entryPoint("/login"))
                .accessDeniedHandler(sessionEnded.accessDeniedHandler()));
        headers(http);
        // Size first, before the CSRF filter reads the body.
        http.addFilterAfter(new BodySizeLimitFilter(maxBody), HeaderWriterFilter.class);
        return http.build();
    }

    /** The headers of every response, the actuator's included. */
    static void headers(HttpSecurity http) throws Exception {
        http.headers(headers -> headers.contentSecurityPolicy(csp -> csp.policyDirectives(CONTENT_SECURITY_POLICY))
                .frameOptions(frame -> frame.deny())
                .referrerPolicy(referrer -> referrer.policy(ReferrerPolicy.SAME_ORIGIN))
                // no-store on everything but scripts and styles, whose handlers set a long cache (StaticResources).
                .cacheControl(cache -> cache.disable())
                .addHeaderWriter(new DelegatingRequestMatcherHeaderWriter(
                        new NegatedRequestMatcher(StaticResources.PATHS), new CacheControlHeadersWriter()))
                .withObjectPostProcessor(new ObjectPostProcessor<HeaderWriterFilter>() {
                    @Override
                    public <O extends HeaderWriterFilter> O postProcess(O filter) {
                        // Before the chain, on the request thread: written lazily, they race with an SSE writer
                        // thread that commits the response first (Tomcat's headers are not thread-safe).
                        filter.setShouldWriteHeadersEagerly(true);
                        return filter;
                    }
                }));
    }

    /** Outermost, around Spring Session's filter: a session store that is down is a 503, not a 500. */
    @Bean
    FilterRegistrationBean<SessionStoreDownFilter> sessionStoreDownFilter(HtmlRenderer renderer) {
        FilterRegistrationBean<SessionStoreDownFilter> registration =
                new FilterRegistrationBean<>(new SessionStoreDownFilter(renderer));
        registration.setOrder(SessionRepositoryFilter.DEFAULT_ORDER - 1);
        registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ASYNC, DispatcherType.ERROR);
        return registration;
    }

    /** Publishes session-destroyed events, which close realtime sessions and revoke tokens. */
    @Bean
    HttpSessionEventPublisher httpSessionEventPublisher() {
        return new HttpSessionEventPublisher();
    }
}
