package com.directuschat.ratelimit;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Buckets of this instance only; idle ones are dropped so the map does not grow with every client. */
final class LocalBucketStore implements BucketStore {

    private final Map<String, Entry> buckets = new ConcurrentHashMap<>();
    private final long idleNanos;
    private final TimeMeter clock;

    LocalBucketStore(Duration idle, TimeMeter clock) {
        this.idleNanos = idle.toNanos();
        this.clock = clock;
    }

    @Override
    public ConsumptionProbe tryConsume(String key, BucketConfiguration configuration) {
        Entry entry = buckets.computeIfAbsent(key, k -> new Entry(bucket(configuration, clock)));
        entry.lastUsed = System.nanoTime();
        return entry.bucket.tryConsumeAndReturnRemaining(1);
    }

    private static Bucket bucket(BucketConfiguration configuration, TimeMeter clock) {
        var builder = Bucket.builder().withCustomTimePrecision(clock);
        for (var bandwidth : configuration.getBandwidths()) {
            builder.addLimit(bandwidth);
        }
        return builder.build();
    }

    /** Drops buckets unused for longer than any limit's period: they would be full again anyway. */
    void evictIdle() {
        long now = System.nanoTime();
        buckets.values().removeIf(entry -> now - entry.lastUsed > idleNanos);
    }

    int size() {
        return buckets.size();
    }

    private static final class Entry {
        final Bucket bucket;
        volatile long lastUsed = System.nanoTime();

        Entry(Bucket bucket) {
            this.bucket = bucket;
        }
    }
}
