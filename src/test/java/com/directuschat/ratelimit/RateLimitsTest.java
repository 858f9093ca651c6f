package com.directuschat.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** The default limits, as documented: 5 logins a minute per IP and per email, sends 5/s with a burst of 20, 10 streams. */
class RateLimitsTest {

    /** Time stands still unless a test moves it. */
    private final java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong();

    private final io.github.bucket4j.TimeMeter clock = new io.github.bucket4j.TimeMeter() {
        @Override
        public long currentTimeNanos() {
            return now.get();
        }

        @Override
        public boolean isWallClockBased() {
            return false;
        }
    };

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    private static RateLimitProperties defaults() {
        return new Binder(new MapConfigurationPropertySource(Map.of()))
                .bindOrCreate("chat.rate-limit", RateLimitProperties.class);
    }

    @Test
    void loginsAreLimitedPerIpAndPerEmail() {
        RateLimits limits = new RateLimits(defaults(), null, meters, Runnable::run, clock);
        for (int i = 0; i < 5; i++) {
            assertThat(limits.login("10.0.0.1", "a@example.com").allowed()).isTrue();
        }
        RateLimits.Verdict refused = limits.login("10.0.0.1", "b@example.com");
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.retryAfterSeconds()).isBetween(1L, 60L);
        assertThat(limits.login("10.0.0.2", "A@Example.com ").allowed())
                .as("same email, any case")
                .isFalse();
        assertThat(limits.login("10.0.0.2", "b@example.com").allowed()).isTrue();
        assertThat(meters.get("chat.rate-limit.refusals")
                        .tag("limit", "login-ip")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(meters.get("chat.rate-limit.refusals")
                        .tag("limit", "login-email")
                        .counter()
                        .count())
                .isEqualTo(1);
        now.addAndGet(java.time.Duration.ofMinutes(1).toNanos());
        assertThat(limits.login("10.0.0.1", "a@example.com").allowed())
                .as("a minute later")
                .isTrue();
        limits.destroy();
    }

    @Test
    void sendsAllowABurstOfTwentyThenFivePerSecond() {
        RateLimits limits = new RateLimits(defaults(), null, meters, Runnable::run, clock);
        for (int i = 0; i < 20; i++) {
            assertThat(limits.send("session-1").allowed()).as("send %d", i).isTrue();
        }
        RateLimits.Verdict refused = limits.send("session-1");
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.retryAfterSeconds()).isEqualTo(1);
        assertThat(limits.send("session-2").allowed()).isTrue();
        now.addAndGet(java.time.Duration.ofSeconds(1).toNanos());
        for (int i = 0; i < 5; i++) {
            assertThat(limits.send("session-1").allowed())
                    .as("refilled send %d", i)
                    .isTrue();
        }
        assertThat(limits.send("session-1").allowed()).isFalse();
        limits.destroy();
    }

    @Test
    void atMostTenStreamsPerSession() {
        RateLimits limits = new RateLimits(defaults(), null, meters, Runnable::run, clock);
        for (int i = 0; i < 10; i++) {
            assertThat(limits.openStream("s")).isTrue();
        }
        assertThat(limits.openStream("s")).isFalse();
        assertThat(meters.get("chat.rate-limit.refusals")
                        .tag("limit", "streams")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(limits.openStreams("s")).isEqualTo(10);
        limits.closeStream("s");
        assertThat(limits.openStream("s")).isTrue();
        assertThat(limits.openStream("other")).isTrue();
        limits.destroy();
    }

    @Test
    void waitsReadNaturally() {
        assertThat(RateLimitExceeded.waitText(1)).isEqualTo("a second");
        assertThat(RateLimitExceeded.waitText(42)).isEqualTo("42 seconds");
        assertThat(RateLimitExceeded.waitText(600)).isEqualTo("10 minutes");
    }
}
