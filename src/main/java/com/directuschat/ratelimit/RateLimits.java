package com.directuschat.ratelimit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.servlet.Filter;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.stereotype.Component;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;

/**
 * The limits: login attempts per client IP and per email, sends per session (token buckets, in Redis
 * when configured), and open streams per session (a count, kept here: a session lives on one instance).
 */
@Component
public final class RateLimits implements DisposableBean {

    /** The time to wait before trying again; zero when allowed. */
    record Verdict(boolean allowed, long retryAfterSeconds) {

        static final Verdict ALLOWED = new Verdict(true, 0);

        static Verdict of(ConsumptionProbe probe) {
            return probe.isConsumed() ? ALLOWED
                    : new Verdict(false, Math.max(1, TimeUnit.NANOSECONDS.toSeconds(probe.getNanosToWaitForRefill() + 999_999_999L)));
        }
    }

    static final String KEY_PREFIX = "directus-chat:rate-limit:";

    private final RateLimitProperties properties;
    private final BucketStore store;
    private final LocalBucketStore local;
    private final BucketConfiguration loginPerIp;
    private final BucketConfiguration loginPerEmail;
    private final BucketConfiguration sends;
    private final Map<String, AtomicInteger> openStreams = new ConcurrentHashMap<>();
    private final java.util.concurrent.ScheduledExecutorService cleaner;

    @Autowired
    RateLimits(RateLimitProperties properties) {
        this(properties, TimeMeter.SYSTEM_NANOTIME);
    }

    /** With the clock of the in-memory buckets, for tests. */
    RateLimits(RateLimitProperties properties, TimeMeter clock) {
        this.properties = properties;
        Duration idle = max(properties.loginPeriod(), properties.sendPeriod().multipliedBy(Math.max(1, properties.sendBurst())))
                .plusMinutes(1);
        this.local = new LocalBucketStore(idle, clock);
        this.store = properties.redisUrl() == null || properties.redisUrl().isBlank() ? local
                : new RedisBucketStore(properties.redisUrl(), properties.redisTimeout(), local);
        this.loginPerIp = perPeriod(properties.loginPerIp(), properties.loginPerIp(), properties.loginPeriod());
        this.loginPerEmail = perPeriod(properties.loginPerEmail(), properties.loginPerEmail(), properties.loginPeriod());
        this.sends = perPeriod(properties.sendBurst(), properties.sends(), properties.sendPeriod());
        CustomizableThreadFactory threads = new CustomizableThreadFactory("rate-limit-cleaner-");
        threads.setDaemon(true);
        this.cleaner = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(threads);
        cleaner.scheduleWithFixedDelay(local::evictIdle, 1, 1, TimeUnit.MINUTES);
    }

    /** The filter that applies the limits; it belongs in the security chain after the CSRF check. */
    public Filter filter() {
        return new RateLimitFilter(this);
    }

    RateLimitProperties properties() {
        return properties;
    }

    Verdict login(String clientIp, String email) {
        Verdict byIp = Verdict.of(store.tryConsume(KEY_PREFIX + "login-ip:" + hash(clientIp), loginPerIp));
        if (!byIp.allowed() || email == null || email.isBlank()) {
            return byIp;
        }
        return Verdict.of(store.tryConsume(KEY_PREFIX + "login-email:" + hash(email.trim().toLowerCase(Locale.ROOT)), loginPerEmail));
    }

    Verdict send(String sessionId) {
        return Verdict.of(store.tryConsume(KEY_PREFIX + "send:" + hash(sessionId), sends));
    }

    /** Counts a stream in; false when the session has its maximum open already. */
    boolean openStream(String sessionId) {
        AtomicInteger count = openStreams.computeIfAbsent(sessionId, id -> new AtomicInteger());
        if (count.incrementAndGet() > properties.streamsPerSession()) {
            closeStream(sessionId);
            return false;
        }
        return true;
    }

    void closeStream(String sessionId) {
        openStreams.computeIfPresent(sessionId, (id, count) -> count.decrementAndGet() <= 0 ? null : count);
    }

    int openStreams(String sessionId) {
        AtomicInteger count = openStreams.get(sessionId);
        return count == null ? 0 : count.get();
    }

    /** Checks that could not use Redis and fell back to this instance's memory (0 without Redis). */
    public long redisFallbacks() {
        return store instanceof RedisBucketStore redis ? redis.fallbacks() : 0;
    }

    private static BucketConfiguration perPeriod(int capacity, int refill, Duration period) {
        return BucketConfiguration.builder()
                .addLimit(limit -> limit.capacity(Math.max(1, capacity)).refillGreedy(Math.max(1, refill), period))
                .build();
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    /** Keys name no email or session id in clear: Redis is not a place for either. */
    private static String hash(String value) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void destroy() {
        cleaner.shutdownNow();
        store.close();
    }
}
