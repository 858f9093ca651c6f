package com.directuschat.directus;

import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.modulith.NamedInterface;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.stereotype.Component;

/**
 * Opens realtime sessions. All of them share one JDK {@link HttpClient}, whose WebSockets are driven by
 * a single selector thread, and one small scheduler for timers: no thread per connection.
 */
@NamedInterface("realtime")
@Component
public class RealtimeSessionFactory implements DisposableBean {

    private final DirectusProperties properties;
    private final RealtimeConnection.Opener opener;
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(1, threads("realtime-timer-"));
    private final ExecutorService worker = Executors.newCachedThreadPool(threads("realtime-worker-"));
    private final RealtimeTimers timers = RealtimeTimers.shared(scheduler, worker);
    private final RealtimeMetrics metrics;

    public RealtimeSessionFactory(DirectusProperties properties, MeterRegistry meters) {
        this.properties = properties;
        this.metrics = new RealtimeMetrics(meters);
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(properties.requestTimeout())
                .build();
        this.opener = JdkRealtimeConnection.opener(http, properties.websocketUrl(), properties.requestTimeout());
    }

    public RealtimeSession open(AccessTokenSource tokens, RealtimeListener listener) {
        Backoff backoff = new Backoff(Duration.ofMillis(500), properties.reconnectMaxDelay(), new Random());
        RealtimeSession session = new RealtimeSession(opener, properties, tokens, listener, timers, backoff, metrics);
        session.start();
        return session;
    }

    private static CustomizableThreadFactory threads(String prefix) {
        CustomizableThreadFactory threads = new CustomizableThreadFactory(prefix);
        threads.setDaemon(true);
        return threads;
    }

    @Override
    public void destroy() {
        scheduler.shutdownNow();
        worker.shutdownNow();
    }
}
