package com.directuschat.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

import com.directuschat.testsupport.ChatClient;
import com.directuschat.testsupport.DirectusTest;
import com.directuschat.testsupport.Requires;
import com.directuschat.testsupport.TestService;

/** With Redis configured, limits are shared: another instance sees what this one counted. */
@Requires(TestService.REDIS) // before @DirectusTest: checked before the app starts
@DirectusTest
@TestPropertySource(properties = {"chat.rate-limit.redis-url=redis://127.0.0.1:6379", "chat.rate-limit.login-per-email=2"})
class RedisRateLimitIT {

    @LocalServerPort
    int port;

    @Autowired
    RateLimits limits;

    @Test
    void anotherInstanceSharesTheLimits() {
        String email = "shared-" + UUID.randomUUID() + "@example.com";
        for (int i = 0; i < 2; i++) {
            ChatClient client = new ChatClient("http://127.0.0.1:" + port);
            client.get("/login");
            HttpResponse<String> attempt = client.postForm("/login", Map.of("email", email, "password", "x"), false);
            assertThat(attempt.statusCode()).isEqualTo(302);
        }
        RateLimits otherInstance = new RateLimits(limits.properties());
        try {
            RateLimits.Verdict verdict = otherInstance.login("192.0.2.1", email);
            assertThat(verdict.allowed()).as("the other instance counted this app's attempts").isFalse();
            assertThat(otherInstance.login("192.0.2.1", "fresh-" + UUID.randomUUID() + "@example.com").allowed()).isTrue();
            assertThat(otherInstance.redisFallbacks()).isZero();
        }
        finally {
            otherInstance.destroy();
        }
        assertThat(limits.redisFallbacks()).isZero();
    }
}
