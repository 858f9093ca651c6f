package com.directuschat.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import com.directuschat.testsupport.Requires;
import com.directuschat.testsupport.TcpProxy;
import com.directuschat.testsupport.TestDirectus;
import com.directuschat.testsupport.TestService;
import io.github.bucket4j.TimeMeter;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.SocketOptions;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Redis down: the limits fail open to this instance's in-memory buckets. Checks keep answering at once, the limits
 * still hold per instance, a warning is logged and the fallbacks are counted. The limits alone, on their own Redis
 * connection: with Redis configured the whole app also keeps its sessions there, and what a dead Redis means for
 * requests is {@code SharedSessionsIT}'s (503, nobody logged out).
 */
@ExtendWith(OutputCaptureExtension.class)
class RedisDownRateLimitIT {

    private static final RateLimitProperties LIMITS = new RateLimitProperties(
            5, 2, Duration.ofMinutes(1), 5, Duration.ofSeconds(1), 20, 10, Duration.ofMillis(300));

    @Test
    void withRedisUnreachableTheLimitsStillHoldInMemory(CapturedOutput output) {
        LettuceConnectionFactory redis = connectionTo(TestDirectus.freePort());
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ExecutorService connector = Executors.newCachedThreadPool();
        RateLimits instance = new RateLimits(LIMITS, redis, meters, connector, TimeMeter.SYSTEM_NANOTIME);
        try {
            String email = "down-" + UUID.randomUUID() + "@example.com";
            long started = System.nanoTime();
            assertThat(instance.login("192.0.2.9", email).allowed())
                    .as("fails open")
                    .isTrue();
            assertThat(instance.login("192.0.2.9", email).allowed()).isTrue();
            assertThat(instance.login("192.0.2.9", email).allowed())
                    .as("in-memory limit")
                    .isFalse();
            assertThat(Duration.ofNanos(System.nanoTime() - started))
                    .as("no hang")
                    .isLessThan(Duration.ofSeconds(10));
            assertThat(fallbacks(meters)).isGreaterThanOrEqualTo(3);
            org.awaitility.Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> output.getAll().contains("Redis for rate limits is unreachable"));
        } finally {
            instance.destroy();
            redis.destroy();
            connector.shutdownNow();
        }
    }

    @Test
    @Requires(TestService.REDIS)
    void redisDyingWhileInUseFallsBackAndRecovers() throws Exception {
        try (TcpProxy proxy = new TcpProxy("127.0.0.1", 6379)) {
            LettuceConnectionFactory redis = connectionTo(proxy.port());
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            ExecutorService connector = Executors.newCachedThreadPool();
            RateLimits instance = new RateLimits(LIMITS, redis, meters, connector, TimeMeter.SYSTEM_NANOTIME);
            try {
                // Connected (it connects in the background from the start): a check that uses Redis counts nothing.
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> {
                    double before = fallbacks(meters);
                    instance.send("warm-up-" + UUID.randomUUID());
                    return fallbacks(meters) == before;
                });
                double fallbacksBefore = fallbacks(meters);
                String email = "dying-" + UUID.randomUUID() + "@example.com";
                assertThat(instance.login("192.0.2.7", email).allowed()).isTrue();
                assertThat(fallbacks(meters)).isEqualTo(fallbacksBefore);
                proxy.blackhole();
                long started = System.nanoTime();
                assertThat(instance.login("192.0.2.7", email).allowed())
                        .as("fails open")
                        .isTrue();
                assertThat(instance.login("192.0.2.7", email).allowed()).isTrue();
                assertThat(instance.login("192.0.2.7", email).allowed())
                        .as("in-memory limit")
                        .isFalse();
                assertThat(Duration.ofNanos(System.nanoTime() - started))
                        .as("no hang")
                        .isLessThan(Duration.ofSeconds(10));
                assertThat(fallbacks(meters) - fallbacksBefore).isGreaterThanOrEqualTo(3);

                proxy.restore();
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> {
                    double before = fallbacks(meters);
                    instance.login("192.0.2.8", "back-" + UUID.randomUUID() + "@example.com");
                    return fallbacks(meters) == before;
                });
            } finally {
                instance.destroy();
                redis.destroy();
                connector.shutdownNow();
            }
        }
    }

    /** As {@code spring.data.redis.timeout} / {@code connect-timeout} of 300 ms would make Boot's connection factory. */
    private static LettuceConnectionFactory connectionTo(int port) {
        LettuceConnectionFactory redis = new LettuceConnectionFactory(
                new RedisStandaloneConfiguration("127.0.0.1", port),
                LettuceClientConfiguration.builder()
                        .commandTimeout(Duration.ofMillis(300))
                        .clientOptions(ClientOptions.builder()
                                .socketOptions(SocketOptions.builder()
                                        .connectTimeout(Duration.ofMillis(300))
                                        .build())
                                .build())
                        .build());
        redis.afterPropertiesSet();
        return redis;
    }

    private static double fallbacks(MeterRegistry registry) {
        return registry.get("chat.rate-limit.redis.fallbacks").counter().count();
    }
}
