package com.directuschat.chat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.ToDoubleFunction;

/** The chat's meters (open streams, messages relayed and replayed, stalls, send failures), for Prometheus. */
final class ChatMetrics {

    private final MeterRegistry registry;
    private final Counter relayed;
    private final Counter backfilled;
    private final Counter overflows;
    private final DistributionSummary queueDepth;

    ChatMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.relayed = Counter.builder("chat.messages.relayed")
                .description("Messages sent to browser tabs, live or replayed")
                .register(registry);
        this.backfilled = Counter.builder("chat.messages.backfilled")
                .description("Messages a tab got from a replay over REST (stream resume, realtime reconnect)")
                .register(registry);
        this.overflows = Counter.builder("chat.stream.overflows")
                .description("Streams cut off because their tab stopped reading")
                .register(registry);
        this.queueDepth = DistributionSummary.builder("chat.stream.queue.depth")
                .description("Events waiting in a stream's queue when one more is added")
                .register(registry);
    }

    /** The gauge of open SSE streams, read from {@code source} at each scrape. */
    <T> void streams(T source, ToDoubleFunction<T> open) {
        Gauge.builder("chat.streams", source, open)
                .description("SSE streams (browser tabs) open")
                .register(registry);
    }

    /** The gauge of logins that get messages sent through this chat at once (they read every room). */
    <T> void localReaders(T source, ToDoubleFunction<T> count) {
        Gauge.builder("chat.sessions.local", source, count)
                .description("Logins that may read every room, so messages sent through this chat reach them at once")
                .register(registry);
    }

    /** A change made through this chat reached {@code sessions} logins' tabs before Directus's event. */
    void fannedOut(int sessions) {
        Counter.builder("chat.fanout.local")
                .description("Logins reached by messages sent through this chat, before Directus's events")
                .register(registry)
                .increment(sessions);
    }

    void relayed() {
        relayed.increment();
    }

    void backfilled() {
        backfilled.increment();
    }

    void queued(int depth) {
        queueDepth.record(depth);
    }

    void overflowed() {
        overflows.increment();
    }

    /** A send that Directus refused or that could not reach it; {@code reason} is a short fixed word. */
    void sendFailed(String reason) {
        Counter.builder("chat.sends.failed")
                .description("Sends that did not store a message in Directus")
                .tag("reason", reason)
                .register(registry)
                .increment();
    }
}
