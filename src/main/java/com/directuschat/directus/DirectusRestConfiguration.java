package com.directuschat.directus;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.client.RestClient;

/** The app's one {@link DirectusRest}, on Boot's {@link RestClient.Builder} (so its requests are observed). */
@Configuration(proxyBeanMethods = false)
class DirectusRestConfiguration {

    @Bean
    DirectusRest directusRest(RestClient.Builder builder, DirectusProperties properties) {
        return DirectusRest.create(builder, properties.url(), properties.requestTimeout());
    }
}
