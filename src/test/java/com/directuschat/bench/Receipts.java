package com.directuschat.bench;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** What one reader (an SSE stream or a direct WebSocket) received: first arrival per message id, and duplicates. */
final class Receipts {

    private final Map<Long, Long> arrivals = new ConcurrentHashMap<>();
    private final AtomicInteger duplicates = new AtomicInteger();

    void arrived(long id, long nanos) {
        if (arrivals.putIfAbsent(id, nanos) != null) {
            duplicates.incrementAndGet();
        }
    }

    /** When the message first arrived, or null. */
    Long arrival(long id) {
        return arrivals.get(id);
    }

    int duplicates() {
        return duplicates.get();
    }
}
