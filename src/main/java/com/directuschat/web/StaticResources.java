package com.directuschat.web;

import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.CacheControl;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.FlashMap;
import org.springframework.web.servlet.FlashMapManager;
import org.springframework.web.servlet.config.annotation.ResourceHandlerRegistration;
import org.springframework.web.servlet.config.annotation.ResourceHandlerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.resource.ResourceUrlEncodingFilter;
import org.springframework.web.servlet.resource.VersionResourceResolver;
import org.springframework.web.servlet.support.SessionFlashMapManager;

/**
 * Scripts and styles that browsers keep: webjars (versioned paths) and our own files under content-hashed names
 * (Thymeleaf's {@code @{/js/chat.js}} becomes {@code /js/chat-<md5>.js}) are immutable for a year, so a page load
 * fetches none of them again; a changed file gets a new name. Pages and fragments stay {@code no-store}. None of
 * them reads the session, so they are served while the session store (Redis) is down, the 503 page's styles too.
 */
@Configuration
class StaticResources implements WebMvcConfigurer {

    static final CacheControl IMMUTABLE =
            CacheControl.maxAge(Duration.ofDays(365)).cachePublic().immutable();
    /** Where the cache headers come from the resource handlers, not from Spring Security's no-store default. */
    static final RequestMatcher PATHS = new OrRequestMatcher(
            PathPatternRequestMatcher.withDefaults().matcher("/css/**"),
            PathPatternRequestMatcher.withDefaults().matcher("/js/**"),
            PathPatternRequestMatcher.withDefaults().matcher("/webjars/**"));
    /** Static files, which must not read the session. */
    static final RequestMatcher SESSIONLESS = new OrRequestMatcher(
            PATHS,
            PathPatternRequestMatcher.withDefaults().matcher("/favicon.svg"),
            PathPatternRequestMatcher.withDefaults().matcher("/favicon.ico"));

    @Override
    public void addResourceHandlers(ResourceHandlerRegistry registry) {
        registry.addResourceHandler("/webjars/**")
                .addResourceLocations("classpath:/META-INF/resources/webjars/")
                .setCacheControl(IMMUTABLE);
        for (String type : new String[] {"css", "js"}) {
            // The md5 that ContentVersionStrategy puts before the extension: chat-<32 hex>.js (spelled out: path
            // patterns take no {32} quantifier).
            own(
                            registry.addResourceHandler(
                                    "/" + type + "/{name:.+-" + "[0-9a-f]".repeat(32) + "\\." + type + "}"),
                            type)
                    .setCacheControl(IMMUTABLE);
            // The plain names still answer (a page rendered without the URL rewriting), but revalidate every time.
            own(registry.addResourceHandler("/" + type + "/**"), type).setCacheControl(CacheControl.noCache());
        }
    }

    private static ResourceHandlerRegistration own(ResourceHandlerRegistration handler, String folder) {
        handler.addResourceLocations("classpath:/static/" + folder + "/")
                .resourceChain(true)
                .addResolver(new VersionResourceResolver().addContentVersionStrategy("/**"));
        return handler;
    }

    /**
     * Spring MVC's flash attributes (kept in the session), except that static files do not look for them: the
     * DispatcherServlet would otherwise read the session for every file.
     */
    @Bean(DispatcherServlet.FLASH_MAP_MANAGER_BEAN_NAME)
    FlashMapManager flashMapManager() {
        return new SessionFlashMapManager() {
            @Override
            protected List<FlashMap> retrieveFlashMaps(HttpServletRequest request) {
                return SESSIONLESS.matches(request) ? null : super.retrieveFlashMaps(request);
            }
        };
    }

    /** Rewrites {@code @{/js/chat.js}} in templates (through {@code encodeURL}) to the content-hashed name. */
    @Bean
    FilterRegistrationBean<ResourceUrlEncodingFilter> resourceUrlEncodingFilter() {
        return new FilterRegistrationBean<>(new ResourceUrlEncodingFilter());
    }
}
