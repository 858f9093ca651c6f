package com.directuschat.ratelimit;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Registers {@link RateLimitInterceptor} with Spring MVC, for every handler (it acts on {@link RateLimited} ones
 * only). A configuration with a bean rather than a configurer component: a {@code @WebMvcTest} slice of another
 * module's controllers then runs without the limits, as it runs without the rest of this module.
 */
@Configuration(proxyBeanMethods = false)
class RateLimitConfiguration {

    @Bean
    WebMvcConfigurer rateLimitInterceptor(RateLimits limits) {
        RateLimitInterceptor interceptor = new RateLimitInterceptor(limits);
        return new WebMvcConfigurer() {
            @Override
            public void addInterceptors(InterceptorRegistry registry) {
                registry.addInterceptor(interceptor);
            }
        };
    }
}
