package com.directuschat.directus;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Readiness: Directus answers {@code GET /server/ping} with {@code pong}. Without it no login, send or stream works,
 * so a balancer should send people elsewhere; liveness does not include it (restarting us would not help).
 */
@Component
class DirectusHealthIndicator implements HealthIndicator {

    /** Probes are short (Kubernetes waits 1 s by default): a slow Directus counts as down rather than hang them. */
    private static final Duration MAX_TIMEOUT = Duration.ofSeconds(2);

    private final HttpClient http;
    private final URI ping;
    private final Duration timeout;

    DirectusHealthIndicator(DirectusProperties properties) {
        this.timeout =
                properties.requestTimeout().compareTo(MAX_TIMEOUT) < 0 ? properties.requestTimeout() : MAX_TIMEOUT;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .executor(ThreadPools.httpClients())
                .build();
        String base = properties.url().toString();
        this.ping = URI.create((base.endsWith("/") ? base : base + "/") + "server/ping");
    }

    @Override
    public Health health() {
        try {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(ping).timeout(timeout).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200 && response.body().strip().equals("pong")) {
                return Health.up().build();
            }
            return Health.down().withDetail("status", response.statusCode()).build();
        } catch (IOException e) {
            // The class only: a message may carry the address, and details are shown to nobody anyway.
            return Health.down()
                    .withDetail("error", e.getClass().getSimpleName())
                    .build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Health.down().build();
        }
    }
}
