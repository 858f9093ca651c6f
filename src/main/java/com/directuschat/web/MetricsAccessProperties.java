package com.directuschat.web;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Who may read the metrics ({@code /actuator/prometheus}) with HTTP Basic; health is open to all.
 *
 * @param username the scraper's user name; unset: nobody may read the metrics
 * @param password its password, in clear or encoded with an id prefix such as {@code {bcrypt}…}
 */
@ConfigurationProperties("chat.metrics")
record MetricsAccessProperties(String username, String password) {

    boolean configured() {
        return username != null && !username.isBlank() && password != null && !password.isBlank();
    }
}
