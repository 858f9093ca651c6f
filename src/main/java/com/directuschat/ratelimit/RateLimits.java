package com.directuschat.ratelimit;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The limits: login attempts per client IP and per email, sends per session (token buckets, in Redis
 * when configured), and open streams per session (a count, kept here: a stream lives on one instance).
 * Refusals are counted by the {@code chat.rate-limit.refusals} meter, tagged with the limit. Sends and streams are
 * applied to the {@link RateLimited} handlers by {@link RateLimitInterceptor}; logins by the authentication itself,
 * through {@link #checkLogin}, so that whatever request Spring Security takes for a login is counted.
 */
@Component
public final class RateLimits implements DisposableBean {

    /** The time to wait before trying again; zero when allowed. */
    record Verdict(boolean allowed, long retryAfterSeconds) {

        static final Verdict ALLOWED = new Verdict(true, 0);

        static Verdict of(ConsumptionProbe probe) {
            return probe.isConsumed()
                    ? ALLOWED
                    : new Verdict(
                            false,
                            Math.max(
                                    1, TimeUnit.NANOSECONDS.toSeconds(probe.getNanosToWaitForRefill() + 999_999_999L)));
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
    private final MeterRegistry meters;

    /**
     * Redis is used when it is configured ({@code spring.data.redis.host} or {@code url} set, the same rule as for
     * the HTTP sessions), through Boot's Lettuce connection factory and so with all of its settings.
     */
    @Autowired
    RateLimits(
            RateLimitProperties properties,
            ObjectProvider<LettuceConnectionFactory> redis,
            Environment environment,
            MeterRegistry meters,
            @Qualifier("applicationTaskExecutor") Executor connector) {
        this(
                properties,
                redisConfigured(environment) ? redis.getIfAvailable() : null,
                meters,
                connector,
                TimeMeter.SYSTEM_NANOTIME);
    }

    /** {@code redis} null keeps the buckets in memory; {@code clock} times the in-memory buckets. */
    RateLimits(
            RateLimitProperties properties,
            LettuceConnectionFactory redis,
            MeterRegistry meters,
            Executor connector,
            TimeMeter clock) {
        this.properties = properties;
        this.meters = meters;
        Duration idle = max(
                        properties.loginPeriod(),
                        properties.sendPeriod().multipliedBy(Math.max(1, properties.sendBurst())))
                .plusMinutes(1);
        this.local = new LocalBucketStore(idle, clock);
        this.store = redis == null
                ? local
                : new RedisBucketStore(
                        redis,
                        properties.redisTimeout(),
                        local,
                        Counter.builder("chat.rate-limit.redis.fallbacks")
                                .description(
                                        "Rate-limit checks that used this instance's memory because Redis was unreachable")
                                .register(meters),
                        connector);
        this.loginPerIp = perPeriod(properties.loginPerIp(), properties.loginPerIp(), properties.loginPeriod());
        this.loginPerEmail =
                perPeriod(properties.loginPerEmail(), properties.loginPerEmail(), properties.loginPeriod());
        this.sends = perPeriod(properties.sendBurst(), properties.sends(), properties.sendPeriod());
    }

    static boolean redisConfigured(Environment environment) {
        return environment.containsProperty("spring.data.redis.host")
                || environment.containsProperty("spring.data.redis.url");
    }

    /** Drops idle in-memory buckets, on Boot's task scheduler. */
    @Scheduled(fixedDelay = 1, initialDelay = 1, timeUnit = TimeUnit.MINUTES)
    void evictIdle() {
        local.evictIdle();
    }

    RateLimitProperties properties() {
        return properties;
    }

    /**
     * Counts a login attempt of {@code email} from {@code clientIp} (the request's address: the TCP peer, or the
     * client a trusted proxy names); throws {@link RateLimitExceeded} when either has had too many.
     */
    public void checkLogin(String clientIp, String email) {
        Verdict verdict = login(clientIp, email);
        if (!verdict.allowed()) {
            throw new RateLimitExceeded(
                    verdict.retryAfterSeconds(), Math.min(properties.loginPerIp(), properties.loginPerEmail()));
        }
    }

    Verdict login(String clientIp, String email) {
        Verdict byIp = counted(
                "login-ip", Verdict.of(store.tryConsume(KEY_PREFIX + "login-ip:" + hash(clientIp), loginPerIp)));
        if (!byIp.allowed() || email == null || email.isBlank()) {
            return byIp;
        }
        return counted(
                "login-email",
                Verdict.of(store.tryConsume(
                        KEY_PREFIX + "login-email:" + hash(email.trim().toLowerCase(Locale.ROOT)), loginPerEmail)));
    }

    Verdict send(String sessionId) {
        return counted("send", Verdict.of(store.tryConsume(KEY_PREFIX + "send:" + hash(sessionId), sends)));
    }

    /** Counts a stream in; false when the session has its maximum open already. */
    boolean openStream(String sessionId) {
        AtomicInteger count = openStreams.computeIfAbsent(sessionId, id -> new AtomicInteger());
        if (count.incrementAndGet() > properties.streamsPerSession()) {
            closeStream(sessionId);
            refused("streams");
            return false;
        }
        return true;
    }

    private Verdict counted(String limit, Verdict verdict) {
        if (!verdict.allowed()) {
            refused(limit);
        }
        return verdict;
    }

    private void refused(String limit) {
        Counter.builder("chat.rate-limit.refusals")
                .description("Requests refused with 429 by a rate limit")
                .tag("limit", limit)
                .register(meters)
                .increment();
    }

    void closeStream(String sessionId) {
        openStreams.computeIfPresent(sessionId, (id, count) -> count.decrementAndGet() <= 0 ? null : count);
    }

    int openStreams(String sessionId) {
        AtomicInteger count = openStreams.get(sessionId);
        return count == null ? 0 : count.get();
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
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void destroy() {
        store.close();
    }
}
