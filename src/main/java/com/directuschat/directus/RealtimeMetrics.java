package com.directuschat.directus;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;

/** The realtime sessions' meters, so that operators see sockets held and how often they reconnect. */
final class RealtimeMetrics {

    private final AtomicInteger open = new AtomicInteger();
    private final Counter connects;
    private final Counter reconnects;

    RealtimeMetrics(MeterRegistry registry) {
        Gauge.builder("directus.realtime.sessions", open, AtomicInteger::get)
                .description("Directus realtime sessions open (one socket per login with a tab open)")
                .register(registry);
        this.connects = Counter.builder("directus.realtime.connects")
                .description("Realtime socket connect attempts, first ones and reconnects")
                .register(registry);
        this.reconnects = Counter.builder("directus.realtime.reconnects")
                .description("Realtime socket connect attempts after a lost or failed socket")
                .register(registry);
    }

    void opened() {
        open.incrementAndGet();
    }

    void closed() {
        open.decrementAndGet();
    }

    void attempted(boolean reconnect) {
        connects.increment();
        if (reconnect) {
            reconnects.increment();
        }
    }
}
