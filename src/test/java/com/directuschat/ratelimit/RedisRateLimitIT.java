package com.directuschat.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.directuschat.testsupport.ChatClient;
import com.directuschat.testsupport.DirectusTest;
import com.directuschat.testsupport.Requires;
import com.directuschat.testsupport.TestService;
import io.github.bucket4j.TimeMeter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.test.context.TestPropertySource;

/** With Redis configured ({@code spring.data.redis.*}), limits are shared: another instance sees what this one counted. */
@Requires(TestService.REDIS) // before @DirectusTest: checked before the app starts
@DirectusTest
@TestPropertySource(
        properties = {
            "spring.data.redis.host=127.0.0.1",
            "spring.data.redis.port=6379",
            "chat.rate-limit.login-per-email=2"
        })
class RedisRateLimitIT {

    @LocalServerPort
    int port;

    @Autowired
    RateLimits limits;

    @Autowired
    MeterRegistry meters;

    @Test
    void anotherInstanceSharesTheLimits() {
        String email = "shared-" + UUID.randomUUID() + "@example.com";
        for (int i = 0; i < 2; i++) {
            ChatClient client = new ChatClient("http://127.0.0.1:" + port);
            client.get("/login");
            HttpResponse<String> attempt = client.postForm("/login", Map.of("email", email, "password", "x"), false);
            assertThat(attempt.statusCode()).isEqualTo(302);
        }
        LettuceConnectionFactory otherRedis =
                new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", 6379));
        otherRedis.afterPropertiesSet();
        SimpleMeterRegistry otherMeters = new SimpleMeterRegistry();
        ExecutorService connector = Executors.newSingleThreadExecutor();
        RateLimits otherInstance =
                new RateLimits(limits.properties(), otherRedis, otherMeters, connector, TimeMeter.SYSTEM_NANOTIME);
        try {
            // It connects in the background from the start: wait until a check uses Redis (counts no fallback).
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                double before = fallbacks(otherMeters);
                otherInstance.send("warm-up-" + UUID.randomUUID());
                return fallbacks(otherMeters) == before;
            });
            RateLimits.Verdict verdict = otherInstance.login("192.0.2.1", email);
            assertThat(verdict.allowed())
                    .as("the other instance counted this app's attempts")
                    .isFalse();
            assertThat(otherMeters
                            .get("chat.rate-limit.refusals")
                            .tag("limit", "login-email")
                            .counter()
                            .count())
                    .isEqualTo(1);
            assertThat(otherInstance
                            .login("192.0.2.1", "fresh-" + UUID.randomUUID() + "@example.com")
                            .allowed())
                    .isTrue();
        } finally {
            otherInstance.destroy();
            otherRedis.destroy();
            connector.shutdownNow();
        }
        assertThat(fallbacks(meters)).isZero();
    }

    private static double fallbacks(MeterRegistry registry) {
        return registry.get("chat.rate-limit.redis.fallbacks").counter().count();
    }
}
