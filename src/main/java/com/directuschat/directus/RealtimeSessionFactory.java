package com.directuschat.directus;

import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.Executor;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.modulith.NamedInterface;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;

/**
 * Opens realtime sessions. All of them share one JDK {@link HttpClient}, whose WebSockets are driven by
 * a single selector thread, and one timer and one worker pool ({@link RealtimeThreads}): no thread per connection.
 */
@NamedInterface("realtime")
@Component
public class RealtimeSessionFactory {

    private final DirectusProperties properties;
    private final RealtimeConnection.Opener opener;
    private final RealtimeTimers timers;
    private final RealtimeMetrics metrics;

    public RealtimeSessionFactory(
            DirectusProperties properties,
            MeterRegistry meters,
            @Qualifier("realtimeTimer") TaskScheduler timer,
            @Qualifier("realtimeWorkers") Executor worker) {
        this.properties = properties;
        this.timers = RealtimeTimers.shared(timer, worker);
        this.metrics = new RealtimeMetrics(meters);
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(properties.requestTimeout())
                .executor(ThreadPools.httpClients())
                .build();
        this.opener = JdkRealtimeConnection.opener(http, properties.websocketUrl(), properties.requestTimeout());
    }

    public RealtimeSession open(AccessTokenSource tokens, RealtimeListener listener) {
        Backoff backoff = new Backoff(Duration.ofMillis(500), properties.reconnectMaxDelay(), new Random());
        RealtimeSession session = new RealtimeSession(opener, properties, tokens, listener, timers, backoff, metrics);
        session.start();
        return session;
    }
}
