package com.directuschat.directus;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.modulith.NamedInterface;
import org.springframework.validation.annotation.Validated;

/**
 * Where Directus is and how we talk to it.
 *
 * @param url base URL of Directus ({@code DIRECTUS_URL}); set by the local runtime when it runs
 * @param requestTimeout timeout of one REST call
 * @param pingInterval after how long a silence the realtime socket pings Directus (any frame, Directus's own
 *     heartbeat every 30 s too, puts it off: an idle socket sends no pings of its own); two missed pongs mean a dead
 *     socket
 * @param refreshSkew how long before the access token's expiry we refresh it
 * @param reconnectMaxDelay cap of the realtime reconnect backoff
 * @param realtimeThreads most threads of the realtime sessions' worker pool ({@code realtime-worker-*}: connects,
 *        re-authentications, watchdogs), made on demand and ended after 60 s idle; past it their tasks wait
 */
@NamedInterface("rest")
@Validated
@ConfigurationProperties("directus")
public record DirectusProperties(
        @NotNull(message = "is not set: set DIRECTUS_URL to your Directus (or run from source for a local one)")
        URI url,

        @DefaultValue("10s") Duration requestTimeout,
        @DefaultValue("35s") Duration pingInterval,
        @DefaultValue("30s") Duration refreshSkew,
        @DefaultValue("30s") Duration reconnectMaxDelay,
        @DefaultValue("32") @Min(1) int realtimeThreads) {

    public URI websocketUrl() {
        String base = url.toString().replaceFirst("^http", "ws");
        return URI.create(base.endsWith("/") ? base + "websocket" : base + "/websocket");
    }
}
