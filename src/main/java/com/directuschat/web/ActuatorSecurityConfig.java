package com.directuschat.web;

import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The actuator's own chain, ahead of the chat's: health (liveness, readiness) is open to anyone, because
 * orchestrators and balancers probe it without credentials and it shows only a status; every other endpoint
 * (the metrics) needs HTTP Basic as the configured metrics user, and nobody gets in when none is configured.
 * Stateless: a scraper gets no session and no login page.
 */
@Configuration(proxyBeanMethods = false)
class ActuatorSecurityConfig {

    static final String METRICS_ROLE = "METRICS";

    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    SecurityFilterChain actuatorSecurityFilterChain(HttpSecurity http, MetricsAccessProperties access)
            throws Exception {
        http.securityMatcher(EndpointRequest.toAnyEndpoint());
        http.authorizeHttpRequests(requests -> {
            requests.requestMatchers(EndpointRequest.to(HealthEndpoint.class)).permitAll();
            if (access.configured()) {
                requests.anyRequest().hasRole(METRICS_ROLE);
            } else {
                requests.anyRequest().denyAll();
            }
        });
        http.httpBasic(basic -> basic.realmName("metrics"));
        http.authenticationManager(new ProviderManager(metricsUser(access)));
        http.sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
        http.requestCache(cache -> cache.disable());
        SecurityConfig.headers(http);
        return http.build();
    }

    private static DaoAuthenticationProvider metricsUser(MetricsAccessProperties access) {
        InMemoryUserDetailsManager users = new InMemoryUserDetailsManager();
        if (access.configured()) {
            String password = access.password().startsWith("{") ? access.password() : "{noop}" + access.password();
            users.createUser(User.withUsername(access.username())
                    .password(password)
                    .roles(METRICS_ROLE)
                    .build());
        }
        DaoAuthenticationProvider provider = new DaoAuthenticationProvider(users);
        provider.setPasswordEncoder(PasswordEncoderFactories.createDelegatingPasswordEncoder());
        return provider;
    }
}
