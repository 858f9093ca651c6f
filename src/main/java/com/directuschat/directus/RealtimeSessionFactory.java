package com.directuschat.directus;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.Random;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.stereotype.Component;

import tools.jackson.databind.ObjectMapper;

/**
 * Opens realtime sessions. All of them share one JDK {@link HttpClient}, whose WebSockets are driven by
 * a single selector thread, and one small scheduler for timers: no thread per connection.
 */
@Component
public class RealtimeSessionFactory implements DisposableBean {

    private final DirectusProperties properties;
    private final ObjectMapper json;
    private final HttpClient http;
    private final ScheduledExecutorService scheduler;
    private final RealtimeStats stats = new RealtimeStats();
    private final ExecutorService worker = Executors.newCachedThreadPool(threads("realtime-worker-"));

    public RealtimeSessionFactory(DirectusProperties properties, ObjectMapper json) {
        this.properties = properties;
        this.json = json;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(properties.requestTimeout()).build();
        this.scheduler = Executors.newScheduledThreadPool(1, threads("realtime-timer-"));
    }

    public RealtimeSession open(AccessTokenSource tokens, RealtimeListener listener) {
        Backoff backoff = new Backoff(Duration.ofMillis(500), properties.reconnectMaxDelay(), new Random());
        RealtimeSession session = new RealtimeSession(http, properties, json, tokens, listener, scheduler, worker,
                backoff, stats);
        session.start();
        return session;
    }

    public RealtimeStats stats() {
        return stats;
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
